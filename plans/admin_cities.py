"""The admin per city: a city's administrator sees and changes that city's rows only.

The site's superuser manages every city, its memberships and every row, with
Django's permissions. A city's administrator is a staff user with an ADMIN
membership of the city: the admins of the city-owned models below let them
see and change the rows of their cities, whatever Django permissions they
hold, and offer only their cities' rows in every choice.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models import QuerySet

from plans.models import City
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Membership
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow
from plans.models.english import not_edited_in_forms

# The path from each city-owned model to its city.
CITY_PATHS = {
    City: "pk",
    Membership: "city",
    Division: "city",
    RatingScale: "city",
    Plan: "city",
    Grade: "scale__city",
    PolicyArea: "plan__city",
    Period: "plan__city",
    Item: "plan__city",
    ItemDivision: "item__plan__city",
    Indicator: "item__plan__city",
    ScheduleRow: "item__plan__city",
    IndicatorValue: "indicator__item__plan__city",
}


def owned_by_city(model, path: str) -> None:
    """Add a model of a later layer (a survey sheet) to CITY_PATHS: the path its
    admin and the choices of it follow."""
    CITY_PATHS[model] = path


def administered_city_ids(user) -> frozenset[int]:
    """The cities the user administers, read once per request."""
    if not (user.is_active and user.is_staff):
        return frozenset()
    if not hasattr(user, "_administered_city_ids"):
        user._administered_city_ids = frozenset(
            user.memberships.filter(role=Membership.Role.ADMIN).values_list(
                "city_id", flat=True
            )
        )
    return user._administered_city_ids


def in_cities(queryset: QuerySet, path: str, user) -> QuerySet:
    """The rows of `queryset` whose city (at `path`) the user administers."""
    return queryset.filter(**{f"{path}__in": administered_city_ids(user)})


def people_of(user) -> QuerySet:
    """The accounts a city's administrator may choose: those of their cities,
    and those with no city yet (new accounts made by the site's superuser)."""
    cities = administered_city_ids(user)
    users = get_user_model().objects
    in_a_city = Q(memberships__isnull=False) | Q(divisions__isnull=False)
    mine = Q(memberships__city__in=cities) | Q(divisions__city__in=cities)
    return users.filter(mine | ~in_a_city).distinct()


class CityScoped:
    """For a ModelAdmin or an inline of a city-owned model; `city_path` leads to the
    city: the model's path in CITY_PATHS, unless the admin names another.

    For a superuser it changes nothing.
    """

    @property
    def city_path(self) -> str:
        return CITY_PATHS[self.model]

    def get_exclude(self, request, obj=None):
        excluded = super().get_exclude(request, obj) or []
        return [*excluded, *not_edited_in_forms(self.model)]

    def _is_city_admin(self, request) -> bool:
        return not request.user.is_superuser and bool(
            administered_city_ids(request.user)
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.of_cities(queryset, request.user)

    def of_cities(self, queryset: QuerySet, user) -> QuerySet:
        """The rows of `queryset` that belong to a city the user administers."""
        return in_cities(queryset, self.city_path, user)

    def _may(self, request, obj, permission: str, *args) -> bool:
        if not self._is_city_admin(request):
            return getattr(super(), permission)(request, *args)
        owner = obj if isinstance(obj, self.model) else None
        return owner is None or (
            self.of_cities(self.model.objects, request.user)
            .filter(pk=owner.pk)
            .exists()
        )

    def has_module_permission(self, request):
        return self._is_city_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj, "has_view_permission", obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj, "has_change_permission", obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj, "has_delete_permission", obj)

    def has_add_permission(self, request, *args):
        return self._may(request, None, "has_add_permission", *args)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = CITY_PATHS.get(db_field.related_model)
        if path and self._is_city_admin(request):
            kwargs["queryset"] = in_cities(
                db_field.related_model.objects, path, request.user
            )
            cities = administered_city_ids(request.user)
            if db_field.related_model is City and len(cities) == 1:
                (kwargs["initial"],) = cities
        elif db_field.related_model is get_user_model() and self._is_city_admin(
            request
        ):
            kwargs["queryset"] = people_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model() and self._is_city_admin(request):
            kwargs["queryset"] = people_of(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A row saved without a city gets its administrator's, when they have one."""
        cities = administered_city_ids(request.user)
        if self.city_path == "city" and not obj.city_id and len(cities) == 1:
            (obj.city_id,) = cities
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    """A city's people and their roles, on the city's page (superuser only)."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    """Cities are the site superuser's: a city's administrator does not see this page."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]

    def get_exclude(self, request, obj=None):
        # Not at import: django-modeltrans adds its fields once the apps are ready.
        return not_edited_in_forms(City)


@admin.register(Membership)
class MembershipAdmin(CityScoped, admin.ModelAdmin):
    list_display = ["user", "city", "role"]
    list_filter = ["city", "role"]
    list_select_related = ["user", "city"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
