from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """What citizens see: published progress per plan, area and item. No models."""

    name = "public"
    verbose_name = _("Public site")
