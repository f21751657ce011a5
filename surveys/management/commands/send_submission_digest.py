from django.core.management.base import BaseCommand

from plans.models import Period
from surveys.workflow import digest_submissions


class Command(BaseCommand):
    help = (
        "Tell each city's reform headquarters, by e-mail and in the app, the survey "
        "sheets submitted since the last digest, per open period. Schedule it daily, "
        "e.g. from cron."
    )

    def handle(self, *args, **options):
        periods = Period.objects.filter(state=Period.State.OPEN).select_related(
            "plan__city"
        )
        for period in periods:
            count = digest_submissions(period)
            if count:
                self.stdout.write(f"{period.plan} {period}: {count} new submissions")
        self.stdout.write("Digests sent.")
