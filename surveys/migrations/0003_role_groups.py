from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

# Group name → permission codenames on SurveySheet. Administrators add users to them.
GROUPS = {
    "行革本部": ["review_surveysheet", "read_reports"],
    "推進委員会": ["read_reports"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    config = apps.get_app_config("surveys")
    models_module = getattr(config, "models_module", None)
    config.models_module = models_module or True
    create_contenttypes(config, verbosity=0, apps=apps)
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="surveys", codename__in=codenames
            )
        )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("surveys", "0002_sheet_workflow_and_history"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
