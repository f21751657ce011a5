"""Who may see and change which sheet and period: decided here, for every view.

Roles are Django permissions held through groups (行革本部, 推進委員会) that
administrators manage in the admin; division staff are the members of a
division. A superuser holds every role.

The views look their objects up through the functions below. A sheet the user
may not see answers the same 404 as a sheet that does not exist, so its
existence is not disclosed; a page of a role the user does not have is a 403
that says who may use it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from plans.models import Period
from plans.models import Plan

# surveys.models asks this module who a user is, so it is imported as a module
# and its classes are read when a function runs, after both modules are loaded.
from surveys import models

HQ_PERMISSION = "surveys.review_surveysheet"
COMMITTEE_PERMISSION = "surveys.read_reports"


# Who the user is.


def is_hq(user) -> bool:
    return user.is_authenticated and user.has_perm(HQ_PERMISSION)


def is_committee(user) -> bool:
    return user.is_authenticated and user.has_perm(COMMITTEE_PERMISSION)


def reads_reports(user) -> bool:
    """HQ reads every period's reports, the committee those of published periods."""
    return is_hq(user) or is_committee(user)


def division_ids(user) -> frozenset[int]:
    """The divisions the user works for, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_division_ids"):
        user._division_ids = frozenset(user.divisions.values_list("pk", flat=True))
    return user._division_ids


def is_staff_member(user) -> bool:
    """Anyone with a role in the survey workflow."""
    return reads_reports(user) or bool(division_ids(user))


def check_staff_member(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied(
            _(
                "Your account has no role in the survey yet. "
                "Ask an administrator to add you to a division or group."
            )
        )


def check_hq(user, message: str | None = None) -> None:
    """403 unless the user is HQ; `message` names the action when it is not a page."""
    if not is_hq(user):
        raise PermissionDenied(
            message or _("Only the reform headquarters can do this.")
        )


# Sheets.


def _of_own_divisions(user) -> Q:
    return Q(item__division_links__division__in=division_ids(user))


def visible_sheets(user, sheets: QuerySet) -> QuerySet:
    """Of `sheets`, those the user may read: HQ all, committee published, divisions their own."""
    if is_hq(user):
        return sheets
    visible = _of_own_divisions(user)
    if is_committee(user):
        visible |= Q(period__state=Period.State.PUBLISHED)
    return sheets.filter(visible).distinct()


def own_sheets(user, sheets: QuerySet) -> QuerySet:
    """Of `sheets`, those of the user's divisions: the ones they fill in."""
    return sheets.filter(_of_own_divisions(user)).distinct()


def may_see(user, sheet: models.SurveySheet) -> bool:
    return (
        is_hq(user)
        or sheet.is_division_member(user)
        or (is_committee(user) and sheet.period.is_published)
    )


def may_edit(user, sheet: models.SurveySheet) -> bool:
    return sheet.is_fillable and sheet.is_division_member(user)


def may_review(user, sheet: models.SurveySheet) -> bool:
    return (
        is_hq(user)
        and sheet.period.is_open
        and sheet.state == models.SurveySheet.State.SUBMITTED
    )


def sheet_for(user, pk: int) -> models.SurveySheet:
    """The sheet if the user may see it; otherwise the same 404 as a missing sheet."""
    sheet = get_object_or_404(
        models.SurveySheet.objects.select_related(
            "item__plan__rating_scale",
            "item__area",
            "period__plan",
            "division_grade",
            "hq_grade",
        ).prefetch_related("item__division_links__division"),
        pk=pk,
    )
    if not may_see(user, sheet):
        raise Http404
    return sheet


def sheet_to_fill(user, pk: int) -> models.SurveySheet:
    """The sheet for its division; 403 for others who may see it (HQ, committee)."""
    sheet = sheet_for(user, pk)
    if not sheet.is_division_member(user):
        raise PermissionDenied(_("Only the responsible division can fill this sheet."))
    return sheet


def sheet_to_review(user, pk: int) -> models.SurveySheet:
    """The sheet for HQ; 403 for a division, which sees its own sheets."""
    sheet = sheet_for(user, pk)
    check_hq(user)
    return sheet


# Plans and periods. A missing one is 404 for everyone, before any role check.


def plan_for_hq(user, pk: int) -> Plan:
    plan = get_object_or_404(Plan, pk=pk)
    check_hq(user)
    return plan


def period_for_hq(user, pk: int) -> Period:
    """The period for HQ; 403 for anyone else, who may not manage periods."""
    period = get_object_or_404(Period.objects.select_related("plan"), pk=pk)
    check_hq(user)
    return period


def _check_reads_reports(user) -> None:
    if not reads_reports(user):
        raise PermissionDenied(
            _("Reports are for the reform headquarters and the committee.")
        )


def period_for_reports(user, pk: int) -> Period:
    """A period whose reports the user may read; an unpublished one is 404 to the committee."""
    period = get_object_or_404(
        Period.objects.select_related("plan__rating_scale"), pk=pk
    )
    _check_reads_reports(user)
    if not (is_hq(user) or period.is_published):
        raise Http404
    return period


def report_periods(user, periods: QuerySet) -> QuerySet:
    """Of `periods`, those whose reports the user may read."""
    _check_reads_reports(user)
    return periods if is_hq(user) else periods.filter(state=Period.State.PUBLISHED)


def _open_period(pk: int) -> Period:
    """Only an open period's sheets go out and come back as files; others are 404."""
    return get_object_or_404(
        Period.objects.select_related("plan__rating_scale"),
        pk=pk,
        state=Period.State.OPEN,
    )


def _has_own_sheets(user, period: Period) -> bool:
    return own_sheets(user, period.sheets.all()).exists()


def period_to_download(user, pk: int) -> Period:
    """An open period whose sheets the user may download: HQ, or a division in it."""
    period = _open_period(pk)
    if not (is_hq(user) or _has_own_sheets(user, period)):
        raise PermissionDenied(
            _("Only HQ and the divisions with sheets in this period can download them.")
        )
    return period


def period_to_upload(user, pk: int) -> Period:
    """An open period the user may upload filled-in sheets to: a division in it."""
    period = _open_period(pk)
    if not _has_own_sheets(user, period):
        raise PermissionDenied(
            _("Only the divisions with sheets in this period can upload them.")
        )
    return period
