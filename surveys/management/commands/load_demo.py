from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from plans.models import Plan
from surveys.demo import DEMO_PASSWORD
from surveys.demo import create_demo_users
from surveys.demo import open_demo_period


class Command(BaseCommand):
    help = (
        "Create a demo user for each role, all with the same published password, and "
        "open the next period of every plan so divisions have sheets to fill. Refuses "
        "to run unless DEBUG is on: a production server must never get accounts "
        "whose password is known."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo users have a published password: run with DEBUG=true only."
            )
        users = create_demo_users()
        for plan in Plan.objects.all():
            period = open_demo_period(plan)
            if period:
                self.stdout.write(
                    f"Opened {period} of {plan} with {period.sheets.count()} sheets."
                )
        self.stdout.write(
            "Links in mail sent from a page use the address that page was "
            f"reached at; reminders sent by send_reminders use SITE_URL ({settings.SITE_URL})."
        )
        self.stdout.write(f"Demo users (password for each: {DEMO_PASSWORD}):")
        width = max(len(username) for username, _role in users)
        for username, role in users:
            self.stdout.write(f"  {username:<{width}}  {role}")
