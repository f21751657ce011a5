from django.core.management.base import BaseCommand
from django.db import transaction

from surveys.seed import load_seed


class Command(BaseCommand):
    help = (
        "Load seed 000 (Kodaira City's 3rd plan, FY2017 year-end survey, published). "
        "Does nothing when the plan is already there, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be loaded, write nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            plan = load_seed()
            if plan is not None:
                items = plan.items.count()
            transaction.set_rollback(dry_run)
        if plan is None:
            self.stdout.write("The seed plan is already loaded; nothing changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{'Would load' if dry_run else 'Loaded'} {plan}: {items} items."
                )
            )
