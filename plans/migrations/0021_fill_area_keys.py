"""Area keys, step 2 of 3: a key of its own for every area; history rows take their area's."""

import secrets

from django.db import migrations


def fill_area_keys(apps, schema_editor):
    """A key of its own for every area; history rows take their area's."""
    PolicyArea = apps.get_model("plans", "PolicyArea")
    areas = list(PolicyArea.objects.only("pk"))
    taken = set()
    for area in areas:
        area.key = _new_key(taken)
    PolicyArea.objects.bulk_update(areas, ["key"], batch_size=500)
    keys = {area.pk: area.key for area in areas}
    history = apps.get_model("plans", "HistoricalPolicyArea")
    records = list(history.objects.only("history_id", "id"))
    for record in records:
        record.key = keys.get(record.id) or _new_key(taken)
    history.objects.bulk_update(records, ["key"], batch_size=500)


def _new_key(taken: set) -> str:
    key = secrets.token_hex(5)
    while key in taken:
        key = secrets.token_hex(5)
    taken.add(key)
    return key


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0020_item_status_labels_and_area_keys"),
    ]

    operations = [
        migrations.RunPython(fill_area_keys, migrations.RunPython.noop),
    ]
