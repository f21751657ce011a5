from django.db import models
from django.utils.translation import gettext_lazy as _


class HeldFile(models.Model):
    """One file's bytes, named as a storage names files."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    saved = models.DateTimeField(_("saved"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("held file")
        verbose_name_plural = _("held files")

    def __str__(self):
        return self.name
