"""Stable keys, step 2 of 3: a key of its own for every item, indicator and schedule row.

History rows take the key of their row, so that the history of a row can be
followed by its key; history rows of deleted rows get one of their own.
"""

import secrets

from django.db import migrations

MODELS = ["Item", "Indicator", "ScheduleRow"]


def fill_keys(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("plans", name)
        rows = list(model.objects.only("pk"))
        taken = set()
        for row in rows:
            row.key = new_key(taken)
        model.objects.bulk_update(rows, ["key"], batch_size=500)
        keys = {row.pk: row.key for row in rows}
        history = apps.get_model("plans", f"Historical{name}")
        records = list(history.objects.only("history_id", "id"))
        for record in records:
            record.key = keys.get(record.id) or new_key(taken)
        history.objects.bulk_update(records, ["key"], batch_size=500)


def new_key(taken: set) -> str:
    key = secrets.token_hex(5)
    while key in taken:
        key = secrets.token_hex(5)
    taken.add(key)
    return key


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0013_stable_keys"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
