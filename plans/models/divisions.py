"""The city's divisions and the accounts in them, with the history of both.

Who belongs to which division, and which group grants what, decide who may
edit which sheets; every change to them is kept.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register

from plans.models.cities import City
from plans.models.english import TranslatedHistory
from plans.models.english import english


class MembershipHistory(TranslatedHistory):
    """Division history that also records members changed from the user's side.

    django-simple-history 3.13 handles `user.divisions.add(...)` (a reverse
    change) as if the user were a division and fails; here each division
    touched gets its own record instead.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(
                instance, action, attr, pk_set, reverse, **kwargs
            )
        if action == "pre_clear":
            instance._cleared_divisions = set(
                instance.divisions.values_list("pk", flat=True)
            )
            return None
        if action not in ("post_add", "post_remove", "post_clear"):
            return None
        touched = pk_set or getattr(instance, "_cleared_divisions", set())
        for division in Division.objects.filter(pk__in=touched):
            self.create_historical_record(division, "~")
        return None


# Names a plan writes for "every division" rather than for one: 全課, 各所管課,
# 関係各課, 全庁 and the like.
COLLECTIVE_NAME = re.compile(
    r"^(全|各|関係各?|庁内各?)(所管)?(課|部|部局|部署|所属|庁|課等)$"
)


class Division(models.Model):
    """A division (所管課) of a city, responsible for items.

    A plan may name "every division" (全課, 各所管課) as responsible; such a
    collective division has no staff of its own, so it is not chased for
    sheets, reminded or offered to accounts.
    """

    city = models.ForeignKey(
        City, models.PROTECT, related_name="divisions", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=100)
    i18n = english("name")
    former_names = models.CharField(
        _("former names"),
        max_length=300,
        blank=True,
        help_text=_("Names the division had before, separated by 、 (shown as 旧…)."),
    )
    active = models.BooleanField(_("active"), default=True)
    collective = models.BooleanField(
        _("stands for several divisions"),
        default=False,
        help_text=_(
            "A name such as 全課 or 各所管課 that the plan uses for every division "
            "rather than one: it has no members and is not reminded."
        ),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="divisions",
        blank=True,
        verbose_name=_("members"),
        help_text=_("Staff who fill this division's survey sheets."),
    )

    # Membership changes are kept too: they decide who edits which sheets.
    history = MembershipHistory(m2m_fields=[members])

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name"], name="plans_division_unique_name_per_city"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def looks_collective(name: str) -> bool:
        return bool(COLLECTIVE_NAME.match(name))

    def save(self, *args, **kwargs):
        if self._state.adding and self.looks_collective(self.name):
            self.collective = True
        super().save(*args, **kwargs)


# Accounts change who may do what, so their changes are kept too (without passwords).
register(
    User,
    app="plans",
    excluded_fields=["password", "last_login"],
    m2m_fields=[User.groups.field],
)
register(Group, app="plans", m2m_fields=[Group.permissions.field])
