"""Delete the role groups 行革本部 and 推進委員会, and the permissions they granted.

Roles come from memberships per city since 0005. The groups are deleted, not
left: kept, they would look as if they still made someone HQ, and a
permission held through them would be a role in every city at once.
"""

from django.db import migrations

GROUPS = ["行革本部", "推進委員会"]


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="surveys",
        codename__in=["review_surveysheet", "read_reports"],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_memberships_from_role_groups")]

    operations = [
        # Backwards the memberships still say who has which role; 0003 does not
        # come back, so no group is made again.
        migrations.RunPython(delete_groups, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="surveysheet",
            options={
                "ordering": ["period", "item__order"],
                "verbose_name": "survey sheet",
                "verbose_name_plural": "survey sheets",
            },
        ),
    ]
