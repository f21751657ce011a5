from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import transaction

from surveys.seed import load_seed
from surveys.seed_next import SeedRefused
from surveys.seed_next import load_next_plan


class Command(BaseCommand):
    help = (
        "Load seed 000 (Kodaira City's 3rd plan, FY2017 year-end survey, published) "
        "and seed 002 (the 4th plan, FY2021–FY2024, its items linked to the 3rd "
        "plan's they continue; no survey yet). Does nothing for a plan already "
        "there, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be loaded, write nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        loaded = []
        with transaction.atomic():
            for load in (load_seed, load_next_plan):
                try:
                    plan = load()
                except SeedRefused as refused:
                    raise CommandError(str(refused)) from refused
                if plan is not None:
                    linked = plan.items.exclude(carried_from=None).count()
                    loaded.append((plan, plan.items.count(), linked))
            transaction.set_rollback(dry_run)
        if not loaded:
            self.stdout.write("The seed plans are already loaded; nothing changed.")
        for plan, items, linked in loaded:
            carried = f", {linked} continuing the previous plan's" if linked else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"{'Would load' if dry_run else 'Loaded'} {plan}: "
                    f"{items} items{carried}."
                )
            )
