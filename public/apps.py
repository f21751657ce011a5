from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from reformtracker.lib.folding import add_sqlite_function


class PublicConfig(AppConfig):
    """What citizens see: published progress per plan, area and item. No models."""

    name = "public"
    verbose_name = _("Public site")

    def ready(self) -> None:
        # The plan search folds texts in SQL; SQLite needs the function given.
        connection_created.connect(add_sqlite_function)
