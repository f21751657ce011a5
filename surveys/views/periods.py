"""/surveys/periods/<pk>/ and a plan's periods: HQ opens, follows and publishes them; reports."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.models import Division
from plans.models import Period
from reformtracker.lib.labels import period_label
from reformtracker.lib.paging import paged
from surveys import access
from surveys import reports
from surveys.divergence import divergence
from surveys.mail import missing_reminder_preview
from surveys.mail import site_url_of
from surveys.models import Refused
from surveys.models import SurveySheet
from surveys.period_forms import BulkReviewForm
from surveys.period_forms import PeriodForm
from surveys.period_forms import QueueFilterForm
from surveys.period_forms import queue_params
from surveys.period_forms import queue_query
from surveys.progress import with_statuses
from surveys.reminders import latest_reminders
from surveys.reminders import missing_of
from surveys.reminders import missing_summary
from surveys.reminders import remind_division
from surveys.views.responses import file_response
from surveys.views.responses import period_filename
from surveys.views.responses import refuse
from surveys.workflow import accept_as_prefilled
from surveys.workflow import cancel_period
from surveys.workflow import cancel_refusal
from surveys.workflow import open_period
from surveys.workflow import opening_summary
from surveys.workflow import publish_pending
from surveys.workflow import publish_period
from surveys.workflow import return_all
from surveys.workflow import set_highlight

# /surveys/plans/<plan_id>/periods/new/


@login_required
def period_new(request, plan_id: int):
    plan = access.plan_for_hq(request.user, plan_id)
    form = PeriodForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        if "confirmed" not in request.POST:
            return render(
                request,
                "surveys/period_confirm_open.html",
                {
                    "plan": plan,
                    "form": form,
                    "period": Period(plan=plan, **form.cleaned_data),
                    "will": opening_summary(plan),
                },
            )
        try:
            period = open_period(
                plan=plan,
                by=request.user,
                site_url=site_url_of(request),
                **form.cleaned_data,
            )
        except Refused as error:
            return refuse(request, error.message, back=reverse("surveys:dashboard"))
        messages.success(
            request,
            _(
                "The period was opened with %(count)d sheets; the divisions were "
                "told by e-mail and on their notices page."
            )
            % {"count": period.sheets.count()},
        )
        return redirect("surveys:queue", pk=period.pk)
    return render(
        request,
        "surveys/period_form.html",
        {"plan": plan, "form": form, "asks_for": dict(plan.text_fields)},
    )


# /surveys/periods/<pk>/


@login_required
def period_queue(request, pk: int):
    period = access.period_for_hq(request.user, pk)
    filters = QueueFilterForm(request.GET or None, period=period)
    pager = paged(
        with_statuses(filters.filter(period.sheets.for_queue()), period.plan),
        request.GET,
    )
    counts = dict(period.sheets.values_list("state").annotate(n=Count("pk")))
    return render(
        request,
        "surveys/period_queue.html",
        {
            "period": period,
            "filters": filters,
            "pager": pager,
            "counts": [
                (state, counts.get(state.value, 0)) for state in SurveySheet.State
            ],
            "missing": _missing_with_reminders(period) if period.is_open else [],
            "pending": publish_pending(period) if period.is_open else 0,
            "cancellable": period.is_open and not cancel_refusal(period),
            "bulk": BulkReviewForm(period=period),
            "query": queue_query(request.GET),
            "kept": queue_params(request.GET, page=pager.page.number),
            "today": timezone.localdate(),
        },
    )


MISSING_SHOWN = 10  # sheets named per division in the queue's 未提出 list


def _missing_with_reminders(period: Period) -> list[tuple]:
    """(division, the first MISSING_SHOWN of its sheets not yet submitted, how
    many more there are, its latest reminder or None)."""
    reminded = latest_reminders(period)
    return [
        (division, sheets, total - len(sheets), reminded.get(division.pk))
        for division, sheets, total in missing_summary(period, MISSING_SHOWN)
    ]


# /surveys/periods/<pk>/bulk/


@login_required
@require_POST
def period_bulk(request, pk: int):
    period = access.period_for_hq(request.user, pk)
    form = BulkReviewForm(request.POST, period=period)
    back = reverse("surveys:queue", args=[period.pk])
    if query := queue_query(request.POST, page=request.POST.get("page")):
        back += f"?{query}"
    if not form.is_valid():
        return render(
            request,
            "surveys/period_bulk.html",
            {"period": period, "form": form, "back": back},
            status=400,
        )
    sheets = form.cleaned_data["sheets"]
    action = form.cleaned_data["action"]
    if action in (BulkReviewForm.HIGHLIGHT, BulkReviewForm.UNHIGHLIGHT):
        on = action == BulkReviewForm.HIGHLIGHT
        outcomes = set_highlight(sheets, on=on, by=request.user)
    elif action == BulkReviewForm.ACCEPT:
        outcomes = accept_as_prefilled(sheets, by=request.user)
    else:
        outcomes = return_all(
            sheets,
            by=request.user,
            note=form.cleaned_data["note"],
            site_url=site_url_of(request),
        )
    return render(
        request,
        "surveys/period_bulk.html",
        {"period": period, "outcomes": outcomes, "back": back},
    )


# /surveys/periods/<pk>/remind/<division_id>/


@login_required
def period_remind(request, pk: int, division_id: int):
    period = access.period_for_hq(request.user, pk)
    division = get_object_or_404(Division, pk=division_id, city=period.plan.city_id)
    sheets = missing_of(period, division)
    if not sheets:
        raise Http404
    if request.method != "POST":
        return render(
            request,
            "surveys/period_remind.html",
            {
                "period": period,
                "division": division,
                "mail": missing_reminder_preview(
                    division, period, sheets, site_url_of(request)
                ),
                "last": latest_reminders(period).get(division.pk),
            },
        )
    try:
        reminder = remind_division(
            period=period,
            division=division,
            by=request.user,
            site_url=site_url_of(request),
        )
    except Refused as error:
        return refuse(request, error.message, back=reverse("surveys:queue", args=[pk]))
    if reminder.delivered:
        messages.success(
            request, _("%(division)s was reminded by e-mail.") % {"division": division}
        )
    else:
        messages.warning(
            request,
            _("The reminder to %(division)s could not be sent; the failure was logged.")
            % {"division": division},
        )
    return redirect("surveys:queue", pk=pk)


# /surveys/periods/<pk>/publish/ and /cancel/: a GET shows what the step will do, a POST does it.


@dataclass(frozen=True)
class PeriodStep:
    template: str
    preview: Callable[[Period], dict]
    action: Callable[..., None]
    done: Callable[[Period], tuple[str, object]]  # the message, and where to go next


PUBLISH = PeriodStep(
    template="surveys/period_confirm_publish.html",
    preview=lambda period: {"pending": publish_pending(period)},
    action=publish_period,
    done=lambda period: (
        _("The period was published; citizens can now see it."),
        period.plan,
    ),
)
CANCEL = PeriodStep(
    template="surveys/period_confirm_cancel.html",
    preview=lambda period: {"refusal": cancel_refusal(period)},
    action=cancel_period,
    done=lambda period: (
        _("%(period)s was cancelled; its sheets were removed.")
        % {"period": period_label(period)},
        "surveys:dashboard",
    ),
)


@login_required
def period_step(request, pk: int, step: PeriodStep):
    period = access.period_for_hq(request.user, pk)
    if request.method != "POST":
        return render(
            request, step.template, {"period": period, **step.preview(period)}
        )
    try:
        step.action(period=period, by=request.user)
    except Refused as error:
        back = reverse("surveys:queue", args=[period.pk])
        return refuse(request, error.message, back=back)
    message, then = step.done(period)
    messages.success(request, message)
    return redirect(then)


# /surveys/periods/<pk>/reading/


@login_required
def period_reading(request, pk: int):
    """The committee's reading list: the period's sheets in the plan's order."""
    period = access.period_for_reports(request.user, pk)
    pager = paged(
        with_statuses(
            period.sheets.for_queue().order_by("item__order", "pk"), period.plan
        ),
        request.GET,
    )
    return render(
        request, "surveys/period_reading.html", {"period": period, "pager": pager}
    )


# /surveys/periods/<pk>/divergence/


@login_required
def period_divergence(request, pk: int):
    period = access.period_for_reports(request.user, pk)
    compared = divergence(period) if period.plan.second_round else None
    context = {"period": period, "divergence": compared}
    return render(request, "surveys/period_divergence.html", context)


# /surveys/periods/<pk>/reports/<kind>.xlsx and /surveys/plans/<plan_id>/reports/trend.xlsx

REPORTS = {
    "summary": (reports.summary_workbook, "評価一覧"),
    "counts": (reports.counts_workbook, "表1_分野別評価"),
    "sheets": (reports.sheets_workbook, "調査票"),
}


@login_required
def period_report(request, pk: int, kind: str):
    if kind not in REPORTS:
        raise Http404
    period = access.period_for_reports(request.user, pk)
    build, name = REPORTS[kind]
    return file_response(build(period.plan, period), period_filename(period, name))


def _progress_report_file(period: Period) -> tuple[str, bytes]:
    name = period_filename(period, "進捗状況報告書").removesuffix(".xlsx") + ".docx"
    return name, reports.progress_report(period.plan, period)


@login_required
def period_progress_report(request, pk: int):
    """The progress report (進捗状況報告書) as a Word document HQ edits before sending."""
    period = access.period_for_reports(request.user, pk)
    name, data = _progress_report_file(period)
    return file_response(data, name)


@login_required
def period_progress_print(request, pk: int):
    """The progress report as a page to print on A4, a page per section."""
    period = access.period_for_reports(request.user, pk)
    report = reports.progress_report_content(period.plan, period)
    context = {"period": period, "report": report}
    return render(request, "surveys/progress_report.html", context)


@login_required
def period_reports_zip(request, pk: int):
    """Every report of the period in one ZIP, for the committee's papers."""
    period = access.period_for_reports(request.user, pk)
    files = [
        (period_filename(period, name), build(period.plan, period))
        for build, name in REPORTS.values()
    ]
    files.append(_progress_report_file(period))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    name = period_filename(period, "報告書一式").removesuffix(".xlsx") + ".zip"
    return file_response(buffer.getvalue(), name)


@login_required
def plan_trend(request, plan_id: int):
    plan = access.plan_for_reports(request.user, plan_id)
    periods = access.report_periods(request.user, plan.periods.all())
    return file_response(
        reports.trend_workbook(plan, sorted(periods, key=lambda p: p.sort_key)),
        f"{plan.name}_評価の推移.xlsx",
    )
