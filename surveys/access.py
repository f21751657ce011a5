"""Who may see and change which sheet and period: decided here, for every view.

Roles belong to a city: a user is reform HQ (行革本部) or committee member
(推進委員会) of the cities where they have a membership of that role, which
administrators manage in the admin; division staff are the members of a
division, and a division belongs to one city. A superuser holds every role
in every city.

The views look their objects up through the functions below. An object of a
city where the user has no role answers the same 404 as one that does not
exist, and so does a sheet the user may not see, so that neither's existence
is disclosed; a page of a role the user does not have in the object's own
city is a 403 that says who may use it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from plans.models import City
from plans.models import Membership
from plans.models import Period
from plans.models import Plan

# surveys.models asks this module who a user is, so it is imported as a module
# and its classes are read when a function runs, after both modules are loaded.
from surveys import models

Role = Membership.Role


# Who the user is, in which city. Each is read once per request and kept on
# the user object.


def _city_roles(user) -> dict[str, frozenset[int]]:
    """The ids of the cities where the user has each role."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_city_roles"):
        roles: dict[str, set[int]] = {}
        memberships = user.memberships.order_by()  # a set: no join to sort by city
        for role, city_id in memberships.values_list("role", "city_id"):
            roles.setdefault(role, set()).add(city_id)
        user._city_roles = {role: frozenset(ids) for role, ids in roles.items()}
    return user._city_roles


def _divisions(user) -> dict[int, int]:
    """The divisions the user works for, each with its city's id."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_divisions"):
        user._divisions = dict(
            user.divisions.order_by().values_list("pk", "city_id")  # no join to sort
        )
    return user._divisions


def city_ids(user, *roles: str) -> frozenset[int]:
    """The cities where the user has one of `roles`: memberships, not divisions."""
    by_role = _city_roles(user)
    return frozenset().union(*(by_role.get(role, ()) for role in roles))


def division_ids(user) -> frozenset[int]:
    """The divisions the user works for."""
    return frozenset(_divisions(user))


def _city_id(city: City | int) -> int:
    return city if isinstance(city, int) else city.pk


def _has_role(user, city: City | int, role: str) -> bool:
    return user.is_authenticated and (
        user.is_superuser or _city_id(city) in city_ids(user, role)
    )


def is_hq(user, city: City | int) -> bool:
    return _has_role(user, city, Role.HQ)


def is_committee(user, city: City | int) -> bool:
    return _has_role(user, city, Role.COMMITTEE)


def reads_reports(user, city: City | int) -> bool:
    """HQ reads every period's reports, the committee those of published periods."""
    return is_hq(user, city) or is_committee(user, city)


def _with_any_role(user) -> frozenset[int]:
    return city_ids(user, *Role.values) | frozenset(_divisions(user).values())


def _in_city(user, city_id: int) -> bool:
    return user.is_superuser or city_id in _with_any_role(user)


def _check_in_city(user, city_id: int) -> None:
    """404 for an object of a city where the user has no role: as if it did not exist."""
    if not (user.is_authenticated and _in_city(user, city_id)):
        raise Http404


def is_staff_member(user) -> bool:
    """Anyone with a role in the survey workflow of some city."""
    return user.is_authenticated and (
        user.is_superuser
        or bool(city_ids(user, Role.HQ, Role.COMMITTEE))
        or bool(_divisions(user))
    )


def check_staff_member(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied(
            _(
                "Your account has no role in the survey yet. "
                "Ask an administrator to add you to a division or group."
            )
        )


def check_hq(user, city: City | int, message: str | None = None) -> None:
    """403 unless the user is HQ of the city; `message` names the action when it is not a page."""
    if not is_hq(user, city):
        raise PermissionDenied(
            message or _("Only the reform headquarters can do this.")
        )


def _in_cities(user, lookup: str, *roles: str) -> Q:
    """Rows whose city (at `lookup`) is one where the user has one of `roles`."""
    if user.is_superuser:
        return Q()
    return Q(**{f"{lookup}__in": city_ids(user, *roles)})


# Sheets.


def _of_own_divisions(user) -> Q:
    return Q(item__division_links__division__in=division_ids(user))


def visible_sheets(user, sheets: QuerySet) -> QuerySet:
    """Of `sheets`, those the user may read: HQ all of its cities', committee
    the published ones of its cities, divisions their own."""
    if user.is_superuser:
        return sheets
    visible = (
        _of_own_divisions(user)
        | _in_cities(user, "period__plan__city", Role.HQ)
        | (
            Q(period__state=Period.State.PUBLISHED)
            & _in_cities(user, "period__plan__city", Role.COMMITTEE)
        )
    )
    return sheets.filter(visible).distinct()


def own_sheets(user, sheets: QuerySet) -> QuerySet:
    """Of `sheets`, those of the user's divisions: the ones they fill in."""
    return sheets.filter(_of_own_divisions(user)).distinct()


def fillable_sheets(user, sheets: QuerySet) -> list[models.SurveySheet]:
    """Of `sheets`, the drafts and returned ones the user fills: those their
    divisions lead, and for HQ every one of its cities' (代理入力)."""
    mine = _of_own_divisions(user) | _in_cities(user, "period__plan__city", Role.HQ)
    candidates = (
        sheets.filter(
            mine,
            period__state=Period.State.OPEN,
            state__in=[
                models.SurveySheet.State.DRAFT,
                models.SurveySheet.State.RETURNED,
            ],
        )
        .distinct()
        .for_queue()
    )
    return [sheet for sheet in candidates if may_fill(user, sheet)]


def may_see(user, sheet: models.SurveySheet) -> bool:
    city = sheet.period.plan.city_id
    return (
        is_hq(user, city)
        or sheet.is_division_member(user)
        or (is_committee(user, city) and sheet.period.is_published)
    )


def may_fill(user, sheet: models.SurveySheet) -> bool:
    """Its lead division (主担当) fills a sheet; HQ may fill it on the division's
    behalf (代理入力). The other divisions of the item contribute text."""
    return sheet.is_lead_member(user) or is_hq(user, sheet.period.plan.city_id)


def is_proxy(user, sheet: models.SurveySheet) -> bool:
    """Whether the user fills the sheet as HQ, for a division they do not lead."""
    return not sheet.is_lead_member(user) and is_hq(user, sheet.period.plan.city_id)


def may_contribute(user, sheet: models.SurveySheet) -> bool:
    """A division sharing the item writes its part while the sheet is being filled."""
    return sheet.is_fillable and bool(sheet.contributing_divisions(user))


def may_withdraw(user, sheet: models.SurveySheet) -> bool:
    return (
        sheet.period.is_open
        and sheet.state == models.SurveySheet.State.SUBMITTED
        and sheet.is_lead_member(user)
    )


def may_edit(user, sheet: models.SurveySheet) -> bool:
    return sheet.is_fillable and may_fill(user, sheet)


def may_reply(user, sheet: models.SurveySheet) -> bool:
    """The division (or HQ) answers in a returned sheet's conversation."""
    return may_fill(user, sheet) and sheet.takes_replies()


def may_review(user, sheet: models.SurveySheet) -> bool:
    return (
        is_hq(user, sheet.period.plan.city_id)
        and sheet.period.is_open
        and sheet.state == models.SurveySheet.State.SUBMITTED
    )


def _visible(user, rows: QuerySet, pk: int, may_see_row: Callable[..., bool]):
    """Row `pk` of `rows` if `may_see_row(user, row)`; otherwise the same 404 as a
    missing row, so that nobody learns what exists where they may not look."""
    row = get_object_or_404(rows, pk=pk)
    if not may_see_row(user, row):
        raise Http404
    return row


def sheet_for(user, pk: int) -> models.SurveySheet:
    """The sheet if the user may see it; otherwise the same 404 as a missing sheet."""
    sheets = models.SurveySheet.objects.select_related(
        "item__plan__rating_scale",
        "item__plan__city",
        "item__area",
        "period__plan",
        "division_grade",
        "hq_grade",
    ).prefetch_related("item__division_links__division")
    return _visible(user, sheets, pk, may_see)


def sheet_to_fill(user, pk: int) -> models.SurveySheet:
    """The sheet for its division or HQ; 403 for others who may see it (committee)."""
    sheet = sheet_for(user, pk)
    if not may_fill(user, sheet):
        raise PermissionDenied(
            _(
                "Only the lead division fills this sheet; the other divisions write "
                "their part on the sheet's page."
            )
        )
    return sheet


def sheet_to_contribute(user, pk: int) -> models.SurveySheet:
    """The sheet for a division that shares its item, while it is being filled."""
    sheet = sheet_for(user, pk)
    if not may_contribute(user, sheet):
        raise PermissionDenied(
            _(
                "Only a division sharing the item writes a part, while it is being filled."
            )
        )
    return sheet


def sheet_to_review(user, pk: int) -> models.SurveySheet:
    """The sheet for HQ; 403 for a division, which sees its own sheets."""
    sheet = sheet_for(user, pk)
    check_hq(user, sheet.period.plan.city_id)
    return sheet


# Plans and periods. A missing one, or one of a city where the user has no
# role, is 404 for everyone, before any role check.


def _plan(user, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("rating_scale", "city"), pk=pk)
    _check_in_city(user, plan.city_id)
    return plan


def _period(user, pk: int, **conditions) -> Period:
    period = get_object_or_404(
        Period.objects.select_related("plan__rating_scale", "plan__city"),
        pk=pk,
        **conditions,
    )
    _check_in_city(user, period.plan.city_id)
    return period


def plan_for_hq(user, pk: int) -> Plan:
    plan = _plan(user, pk)
    check_hq(user, plan.city_id)
    return plan


def period_for_hq(user, pk: int) -> Period:
    """The period for HQ; 403 for anyone else, who may not manage periods."""
    period = _period(user, pk)
    check_hq(user, period.plan.city_id)
    return period


def _check_reads_reports(user, city_id: int) -> None:
    if not reads_reports(user, city_id):
        raise PermissionDenied(
            _("Reports are for the reform headquarters and the committee.")
        )


def period_for_reports(user, pk: int) -> Period:
    """A period whose reports the user may read; an unpublished one is 404 to the committee."""
    period = _period(user, pk)
    city = period.plan.city_id
    _check_reads_reports(user, city)
    if not (is_hq(user, city) or period.is_published):
        raise Http404
    return period


def plan_for_reports(user, pk: int) -> Plan:
    """A plan whose reports (the trend across periods) the user may read."""
    plan = _plan(user, pk)
    _check_reads_reports(user, plan.city_id)
    return plan


def report_plans(user) -> QuerySet[Plan]:
    """The plans of the cities where the user reads reports (HQ or committee)."""
    if not user.is_authenticated:
        return Plan.objects.none()
    return Plan.objects.filter(_in_cities(user, "city", Role.HQ, Role.COMMITTEE))


def report_periods(user, periods: QuerySet) -> QuerySet:
    """Of `periods`, those whose reports the user may read: every period of an
    HQ's cities, the published ones of a committee member's."""
    if user.is_superuser:
        return periods
    return periods.filter(
        _in_cities(user, "plan__city", Role.HQ)
        | (
            Q(state=Period.State.PUBLISHED)
            & _in_cities(user, "plan__city", Role.COMMITTEE)
        )
    )


def _has_own_sheets(user, period: Period) -> bool:
    return own_sheets(user, period.sheets.all()).exists()


# Only an open period's sheets go out and come back as files; others are 404.


def period_to_download(user, pk: int) -> Period:
    """An open period whose sheets the user may download: HQ, or a division in it."""
    period = _period(user, pk, state=Period.State.OPEN)
    if not (is_hq(user, period.plan.city_id) or _has_own_sheets(user, period)):
        raise PermissionDenied(
            _("Only HQ and the divisions with sheets in this period can download them.")
        )
    return period


def period_to_upload(user, pk: int) -> Period:
    """An open period the user may upload filled-in sheets to: a division in it, or
    HQ, entering them on the divisions' behalf."""
    period = _period(user, pk, state=Period.State.OPEN)
    if not (is_hq(user, period.plan.city_id) or _has_own_sheets(user, period)):
        raise PermissionDenied(
            _("Only HQ and the divisions with sheets in this period can upload them.")
        )
    return period


# Committee opinions (委員会意見): the committee writes them on published
# periods, HQ answers, the division HQ assigns reports; each sees them.


def may_see_opinion(user, opinion: models.Opinion) -> bool:
    return reads_reports(user, opinion.city_id) or (
        opinion.division_id is not None and opinion.division_id in division_ids(user)
    )


def may_write_opinion(user, period: Period) -> bool:
    return period.is_published and is_committee(user, period.plan.city_id)


def may_answer(user, opinion: models.Opinion) -> bool:
    return is_hq(user, opinion.city_id)


def may_report(user, opinion: models.Opinion) -> bool:
    """The assigned division, while the next period is open."""
    return (
        opinion.division_id is not None
        and opinion.division_id in division_ids(user)
        and opinion.report_period() is not None
    )


def opinion_for(user, pk: int) -> models.Opinion:
    """The opinion for HQ, the committee and the assigned division; 404 for others."""
    opinions = models.Opinion.objects.select_related(
        "period__plan__city", "item__plan", "division", "author", "action_period"
    )
    return _visible(user, opinions, pk, may_see_opinion)


def opinion_to_answer(user, pk: int) -> models.Opinion:
    opinion = opinion_for(user, pk)
    check_hq(user, opinion.city_id, _("Only HQ answers an opinion."))
    return opinion


def opinion_to_report(user, pk: int) -> models.Opinion:
    opinion = opinion_for(user, pk)
    if not (opinion.division_id and opinion.division_id in division_ids(user)):
        raise PermissionDenied(
            _("Only the division HQ assigned reports on this opinion.")
        )
    return opinion


def opinions_to_report(user, sheet: models.SurveySheet) -> QuerySet:
    """The opinions the user's divisions were given on the sheet's item (or on
    the period as a whole) in the period before the sheet's, to report on in it."""
    if not sheet.period.is_open:
        return models.Opinion.objects.none()
    earlier = [
        p
        for p in sheet.period.plan.periods.order_by()
        if p.sort_key < sheet.period.sort_key
    ]
    previous = max(earlier, key=lambda p: p.sort_key, default=None)
    mine = division_ids(user) & {d.pk for d in sheet.item.division_list}
    if previous is None or not mine:
        return models.Opinion.objects.none()
    return (
        models.Opinion.objects.filter(
            Q(item=sheet.item) | Q(item=None), period=previous, division__in=mine
        )
        .select_related("period__plan", "item", "division")
        .order_by("item__order", "written_at", "pk")  # of one period
    )
