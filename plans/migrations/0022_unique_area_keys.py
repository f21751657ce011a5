"""Area keys, step 3 of 3: unique."""

import plans.models.structure
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0021_fill_area_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalpolicyarea",
            name="key",
            field=models.CharField(
                db_index=True,
                default=plans.models.structure.new_key,
                editable=False,
                help_text="Names the row in the plan workbook for good: it stays when the row is renamed, renumbered or moved.",
                max_length=10,
                verbose_name="key",
            ),
        ),
        migrations.AlterField(
            model_name="policyarea",
            name="key",
            field=models.CharField(
                default=plans.models.structure.new_key,
                editable=False,
                help_text="Names the row in the plan workbook for good: it stays when the row is renamed, renumbered or moved.",
                max_length=10,
                unique=True,
                verbose_name="key",
            ),
        ),
    ]
