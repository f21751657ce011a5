from django.core.management.base import BaseCommand

from reformtracker.lib.uploads import HOLD_SECONDS
from reformtracker.lib.uploads import clear_expired_holds


class Command(BaseCommand):
    help = (
        "Delete uploads that have waited for confirmation longer than "
        f"{HOLD_SECONDS // 3600} hours. Schedule it hourly, e.g. from cron."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {clear_expired_holds()} expired uploads.")
