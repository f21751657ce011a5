import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.models import Period
from surveys.models import Refused
from surveys.reminders import missing_by_division
from surveys.reminders import remind_division


class Command(BaseCommand):
    help = (
        "E-mail each division the list of its sheets not yet submitted, for every open "
        "period whose deadline is at most --days away (or already past). Schedule it "
        "daily, e.g. from cron. Sends nothing with --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="Days before the deadline to start (7)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent, send nothing.",
        )

    def handle(self, *args, days=7, dry_run=False, **options):
        horizon = timezone.localdate() + datetime.timedelta(days=days)
        periods = Period.objects.filter(
            state=Period.State.OPEN, deadline__isnull=False, deadline__lte=horizon
        ).select_related("plan")
        sent = failed = 0
        for period in periods:
            for division, sheets in missing_by_division(period).items():
                numbers = ", ".join(sheet.item.number for sheet in sheets)
                self.stdout.write(
                    f"{period.plan} {period}: {division} — {len(sheets)} missing ({numbers})"
                )
                if dry_run:
                    continue
                try:
                    reminder = remind_division(
                        period=period, division=division, by=None
                    )
                except Refused:
                    continue  # nobody in the division has an address
                sent += reminder.delivered
                failed += not reminder.delivered
        self.stdout.write(
            f"{'Would send' if dry_run else 'Sent'} reminders; {sent} e-mails sent."
        )
        if failed:
            self.stderr.write(f"{failed} e-mails could not be sent; see the log.")
