"""User accounts in the admin: the site's superuser has Django's UserAdmin, a
city's administrator the accounts of their cities.

A city's administrator adds accounts that belong to one of their cities (a
membership or a division of it, in the same form), and lists and changes only
the accounts that belong to one of their cities. They give names, e-mail,
password, activity, staff status for their own cities, divisions and
memberships of their cities; never superuser status, groups, permissions or
anything of another city, which stays as it is whatever the form posts.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans.admin_cities import CityScoped
from plans.admin_cities import administered_city_ids
from plans.models import Division
from plans.models import Membership

PERSONAL = (_("Personal info"), {"fields": ("first_name", "last_name", "email")})
DIVISIONS = (_("divisions"), {"fields": ("divisions",)})
CITY_ADD_FIELDSETS = (
    (
        None,
        {
            "classes": ("wide",),
            "fields": ("username", "usable_password", "password1", "password2"),
        },
    ),
    PERSONAL,
    DIVISIONS,
)
CITY_CHANGE_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    PERSONAL,
    (_("Permissions"), {"fields": ("is_active", "is_staff")}),
    DIVISIONS,
)


def divisions_field() -> forms.ModelMultipleChoiceField:
    """The divisions of the administrator's cities (the queryset is set per form)."""
    return forms.ModelMultipleChoiceField(
        Division.objects.none(),
        required=False,
        label=_("divisions"),
        widget=FilteredSelectMultiple(_("divisions"), is_stacked=False),
    )


class CityDivisions:
    """For a user form: the account's divisions in `cities`, its others kept."""

    cities: frozenset[int] = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = Division.objects.filter(
            city__in=self.cities, collective=False
        ).select_related("city")
        self.fields["divisions"].queryset = offered
        if self.instance.pk:
            self.initial["divisions"] = list(
                offered.filter(members=self.instance).values_list("pk", flat=True)
            )

    def clean_divisions(self):
        """Kept on the account too, for the memberships' check of a new account."""
        divisions = self.cleaned_data["divisions"]
        self.instance.divisions_in_form = list(divisions)
        return divisions

    def save_divisions(self) -> None:
        """The chosen divisions of the cities, with the account's others kept."""
        others = self.instance.divisions.exclude(city__in=self.cities)
        self.instance.divisions.set([*others, *self.cleaned_data["divisions"]])


class CityUserCreationForm(CityDivisions, AdminUserCreationForm):
    divisions = divisions_field()


class CityUserChangeForm(CityDivisions, UserChangeForm):
    divisions = divisions_field()

    def clean_is_staff(self):
        """Staff status is the same in every city: it is not changed for an
        account that has roles elsewhere, or rights the city cannot see."""
        is_staff = self.cleaned_data["is_staff"]
        account = self.instance
        elsewhere = account.memberships.filter(role=Membership.Role.ADMIN).exclude(
            city__in=self.cities
        )
        if "is_staff" in self.changed_data and (
            elsewhere.exists()
            or account.groups.exists()
            or account.user_permissions.exists()
        ):
            raise ValidationError(
                gettext(
                    "This account administers another city or holds permissions "
                    "of the site: only the site's superuser changes its staff status."
                ),
                code="staff_elsewhere",
            )
        return is_staff


class NewAccountMembershipFormSet(BaseInlineFormSet):
    """A new account of a city's administrator belongs to one of their cities:
    a membership here, or a division in the account's form."""

    def clean(self):
        super().clean()
        account = self.instance
        if not account._state.adding or getattr(account, "divisions_in_form", None):
            return
        if not any(
            form.cleaned_data and not form.cleaned_data.get("DELETE")
            for form in self.forms
        ):
            raise ValidationError(
                gettext("Give the new account a role or a division of your city."),
                code="no_city",
            )


class UserMembershipInline(CityScoped, admin.TabularInline):
    """The account's roles: all of them for the superuser, those in the
    administrator's cities for a city's administrator."""

    model = Membership
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        if self._is_city_admin(request):
            kwargs["formset"] = NewAccountMembershipFormSet
        return super().get_formset(request, obj, **kwargs)


def belongs_elsewhere(account_id, cities) -> bool:
    """Whether the account has a role or a division in a city not in `cities`."""
    account = Q(pk=account_id)
    elsewhere = Q(memberships__city__isnull=False) & ~Q(memberships__city__in=cities)
    elsewhere |= Q(divisions__isnull=False) & ~Q(divisions__city__in=cities)
    return User.objects.filter(account & elsewhere).exists()


class UserAdmin(CityScoped, SimpleHistoryAdmin, BaseUserAdmin):
    """Accounts with their history: who changed a user's groups, and when."""

    city_path = "memberships__city"
    inlines = [UserMembershipInline]

    def of_cities(self, queryset: QuerySet, user) -> QuerySet:
        """Accounts with a membership or a division in one of the user's
        cities; never a superuser's."""
        cities = administered_city_ids(user)
        mine = Q(memberships__city__in=cities) | Q(divisions__city__in=cities)
        return queryset.filter(mine).exclude(is_superuser=True).distinct()

    def user_change_password(self, request, id, form_url=""):
        """A password opens every city an account belongs to: a city's
        administrator sets it only for accounts of their cities alone."""
        if (
            self._is_city_admin(request)
            and self.get_queryset(request).filter(pk=id).exists()
            and belongs_elsewhere(id, administered_city_ids(request.user))
        ):
            raise PermissionDenied(
                gettext(
                    "This account also belongs to another city; only the site's "
                    "administrator can change its password."
                )
            )
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request, obj=None):
        """An account may belong to other cities too: a city's administrator
        removes its roles and divisions, or makes it inactive."""
        if self._is_city_admin(request):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if isinstance(form, CityDivisions):
            form.save_divisions()

    def get_fieldsets(self, request, obj=None):
        if not self._is_city_admin(request):
            return super().get_fieldsets(request, obj)
        return CITY_ADD_FIELDSETS if obj is None else CITY_CHANGE_FIELDSETS

    def get_form(self, request, obj=None, **kwargs):
        if self._is_city_admin(request):
            base = CityUserCreationForm if obj is None else CityUserChangeForm
            cities = administered_city_ids(request.user)
            kwargs["form"] = type(base.__name__, (base,), {"cities": cities})
        return super().get_form(request, obj, **kwargs)
