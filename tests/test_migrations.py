from django.core.management import call_command


def test_no_pending_migrations(db):
    """Every model change has its migration committed."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
