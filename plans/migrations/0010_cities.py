"""Cities and memberships; divisions, scales and plans get a city, filled in by 0011.

Plan.city was the city's name: it is kept as city_name until 0011 has made a
City of each name, and dropped in 0012. The city columns are nullable here
and required from 0012 on.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("hq", "Reform HQ (行革本部)"),
    ("committee", "Committee (推進委員会)"),
    ("admin", "Administrator (管理者)"),
]
SLUG_HELP = "The city's name in public addresses, such as kodaira for /kodaira/."


def city_field(related_name):
    return models.ForeignKey(
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="plans.city",
        verbose_name="city",
    )


def historical_city_field():
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to="plans.city",
        verbose_name="city",
    )


HISTORY_FIELDS = [
    ("history_id", models.AutoField(primary_key=True, serialize=False)),
    ("history_date", models.DateTimeField(db_index=True)),
    ("history_change_reason", models.CharField(max_length=100, null=True)),
    (
        "history_type",
        models.CharField(
            choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
            max_length=1,
        ),
    ),
    (
        "history_user",
        models.ForeignKey(
            null=True,
            on_delete=django.db.models.deletion.SET_NULL,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
        ),
    ),
]


def history_options(name, plural):
    return {
        "verbose_name": name,
        "verbose_name_plural": plural,
        "ordering": ("-history_date", "-history_id"),
        "get_latest_by": ("history_date", "history_id"),
    }


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_history_of_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="City",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="name")),
                ("slug", models.SlugField(help_text=SLUG_HELP, unique=True, verbose_name="slug")),
            ],
            options={"verbose_name": "city", "verbose_name_plural": "cities", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="HistoricalCity",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(db_index=True, max_length=50, verbose_name="name")),
                ("slug", models.SlugField(help_text=SLUG_HELP, verbose_name="slug")),
                *HISTORY_FIELDS,
            ],
            options=history_options("historical city", "historical cities"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(choices=ROLES, max_length=10, verbose_name="role")),
                ("city", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="plans.city", verbose_name="city")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "membership",
                "verbose_name_plural": "memberships",
                "ordering": ["city", "role", "user"],
                "constraints": [
                    models.UniqueConstraint(fields=("city", "user", "role"), name="plans_membership_no_duplicates"),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalMembership",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("role", models.CharField(choices=ROLES, max_length=10, verbose_name="role")),
                ("city", historical_city_field()),
                ("user", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                *HISTORY_FIELDS,
            ],
            options=history_options("historical membership", "historical memberships"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        # Names and codes become unique per city (constraints in 0012).
        migrations.AlterField(
            model_name="division",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicaldivision",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="ratingscale",
            name="code",
            field=models.SlugField(verbose_name="code"),
        ),
        migrations.RemoveConstraint(model_name="plan", name="plans_plan_unique_name"),
        migrations.RenameField(model_name="plan", old_name="city", new_name="city_name"),
        migrations.RenameField(model_name="historicalplan", old_name="city", new_name="city_name"),
        migrations.AddField(model_name="division", name="city", field=city_field("divisions")),
        migrations.AddField(model_name="historicaldivision", name="city", field=historical_city_field()),
        migrations.AddField(model_name="ratingscale", name="city", field=city_field("rating_scales")),
        migrations.AddField(model_name="historicalratingscale", name="city", field=historical_city_field()),
        migrations.AddField(model_name="plan", name="city", field=city_field("plans")),
        migrations.AddField(model_name="historicalplan", name="city", field=historical_city_field()),
    ]
