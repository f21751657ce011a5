"""Members of the role groups become HQ / committee members of every city.

Roles were global: a member of 行革本部 was HQ of every plan. Every city that
exists now gets the same people in the same role, so nobody loses access;
administrators then remove the memberships a person should not have.
"""

from django.db import migrations

ROLE_OF_GROUP = {"行革本部": "hq", "推進委員会": "committee"}


def memberships_from_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    City = apps.get_model("plans", "City")
    Membership = apps.get_model("plans", "Membership")
    for group in Group.objects.filter(name__in=ROLE_OF_GROUP):
        for city in City.objects.all():
            for user in group.user_set.all():
                Membership.objects.get_or_create(
                    city=city, user=user, role=ROLE_OF_GROUP[group.name]
                )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("plans", "0012_cities_required"),
        ("surveys", "0004_schedule_status"),
    ]

    # Backwards the groups still hold their members: nothing to undo.
    operations = [
        migrations.RunPython(memberships_from_groups, migrations.RunPython.noop)
    ]
