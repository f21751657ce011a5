from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoldsConfig(AppConfig):
    name = "reformtracker.holds"
    label = "holds"
    verbose_name = _("Uploads waiting for confirmation")
    default_auto_field = "django.db.models.BigAutoField"
