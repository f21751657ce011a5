from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose, demo machines only

DEMO_USERS = [
    ("admin", "Administrator: sets up plans, divisions and users in /admin/"),
]


class Command(BaseCommand):
    help = (
        "Create a demo user for each role, all with the same published password, and "
        "print them. Refuses to run unless DEBUG is on, so a production server never "
        "gets accounts whose password is known."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo users have a published password: run with DEBUG=true only."
            )
        User = get_user_model()
        self.stdout.write("Demo users (password for each: %s):" % DEMO_PASSWORD)
        for username, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.is_staff = user.is_superuser = True
                user.set_password(DEMO_PASSWORD)
                user.save()
            self.stdout.write(f"  {username:<12} {role}")
