"""Cities (自治体) and their people's roles: every plan, division and scale has a city.

One installation serves many cities. A city owns its divisions, rating
scales and plans; its reform HQ, committee and administrators are the users
with a membership of that role in it. A user may belong to several cities.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.english import TranslatedHistory
from plans.models.english import english
from reformtracker.lib.paths import reserved_first_segments


class City(models.Model):
    """A city (自治体) whose plans the site tracks."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    i18n = english("name")
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_(
            "The city's name in public addresses, such as kodaira for /kodaira/."
        ),
    )

    history = TranslatedHistory()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:city", args=[self.slug])

    def clean(self) -> None:
        """A slug the site uses for a path of its own would hide the city's pages."""
        if self.slug.lower() in reserved_first_segments():
            raise ValidationError(
                {
                    "slug": ValidationError(
                        _(
                            "“%(slug)s” is an address of the site itself "
                            "(/%(slug)s/): choose another slug."
                        ),
                        code="reserved",
                        params={"slug": self.slug},
                    )
                }
            )

    def is_administered_by(self, user) -> bool:
        """Whether the user may change the city's plans: its administrator or a superuser."""
        return (
            user.is_superuser
            or self.memberships.filter(user=user, role=Membership.Role.ADMIN).exists()
        )


class Membership(models.Model):
    """A user's role in a city: reform HQ, committee member or administrator."""

    class Role(models.TextChoices):
        HQ = "hq", _("Reform HQ (行革本部)")
        COMMITTEE = "committee", _("Committee (推進委員会)")
        ADMIN = "admin", _("Administrator (管理者)")

    city = models.ForeignKey(
        City, models.CASCADE, related_name="memberships", verbose_name=_("city")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["city", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "user", "role"], name="plans_membership_no_duplicates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.get_role_display()}: {self.user}"
