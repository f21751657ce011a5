"""Every division, scale and plan has a city (0011 gave each one); names are unique per city."""

import django.db.models.deletion
from django.db import migrations, models


def city_field(related_name):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="plans.city",
        verbose_name="city",
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0011_fill_cities")]

    operations = [
        migrations.AlterField(model_name="division", name="city", field=city_field("divisions")),
        migrations.AlterField(model_name="ratingscale", name="city", field=city_field("rating_scales")),
        migrations.AlterField(model_name="plan", name="city", field=city_field("plans")),
        # A default first, so that going back re-adds the column to existing
        # rows; 0011 backwards then writes the names.
        migrations.AlterField(
            model_name="plan",
            name="city_name",
            field=models.CharField(default="", max_length=50, verbose_name="city"),
        ),
        migrations.AlterField(
            model_name="historicalplan",
            name="city_name",
            field=models.CharField(default="", max_length=50, verbose_name="city"),
        ),
        migrations.RemoveField(model_name="plan", name="city_name"),
        migrations.RemoveField(model_name="historicalplan", name="city_name"),
        migrations.AlterModelOptions(
            name="division",
            options={"ordering": ["city", "name"], "verbose_name": "division", "verbose_name_plural": "divisions"},
        ),
        migrations.AlterModelOptions(
            name="ratingscale",
            options={"ordering": ["city", "name"], "verbose_name": "rating scale", "verbose_name_plural": "rating scales"},
        ),
        migrations.AddConstraint(
            model_name="division",
            constraint=models.UniqueConstraint(fields=("city", "name"), name="plans_division_unique_name_per_city"),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(fields=("city", "code"), name="plans_ratingscale_code_unique_per_city"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(fields=("city", "name"), name="plans_plan_unique_name"),
        ),
    ]
