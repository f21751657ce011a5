"""The survey workflow for staff: divisions fill sheets, HQ reviews, rates and publishes."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from plans.models import IndicatorValue, Period, Plan
from reformtracker.lib import uploads
from reformtracker.lib.labels import period_label
from surveys import reports, roles, sheetfiles
from surveys.forms import (
    PeriodForm,
    QueueFilterForm,
    ReviewForm,
    SheetForm,
    SheetUploadForm,
    UploadConfirmForm,
)
from surveys.history import sheet_history
from surveys.models import Conflict, Refused, SurveySheet
from surveys.progress import with_statuses
from surveys.workflow import missing_by_division, open_period, publish_period


def refuse(request, message: str, *, back: str):
    """A clear refusal of an action the sheet's or period's state does not allow (409)."""
    return render(
        request, "surveys/refused.html", {"message": message, "back": back}, status=409
    )


def refusal(request, error: Refused, back: str):
    if error.forbidden:
        raise PermissionDenied(error.message)
    return refuse(request, error.message, back=back)


def require_hq(user) -> None:
    if not roles.is_hq(user):
        raise PermissionDenied(_("Only the reform headquarters can do this."))


def get_sheet_for_user(user, pk: int) -> SurveySheet:
    """The sheet if the user may see it; otherwise the same 404 as a missing sheet."""
    sheet = get_object_or_404(
        SurveySheet.objects.select_related(
            "item__plan__rating_scale",
            "item__area",
            "period__plan",
            "division_grade",
            "hq_grade",
        ).prefetch_related("item__division_links__division"),
        pk=pk,
    )
    if not sheet.is_visible_to(user):
        raise Http404
    return sheet


def get_period_for_hq(user, pk: int) -> Period:
    """The period for HQ; 403 for anyone else, who may not manage periods."""
    period = get_object_or_404(Period.objects.select_related("plan"), pk=pk)
    require_hq(user)
    return period


def _indicator_values(sheet: SurveySheet) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(period=sheet.period, indicator__item=sheet.item)
        .select_related("indicator")
        .order_by("indicator__order")
    )


# /surveys/


@login_required
def dashboard(request):
    user = request.user
    if not roles.is_staff_member(user):
        raise PermissionDenied(
            _(
                "Your account has no role in the survey yet. "
                "Ask an administrator to add you to a division or group."
            )
        )
    own_sheets = (
        SurveySheet.objects.filter(
            period__state=Period.State.OPEN,
            item__division_links__division__in=roles.division_ids(user),
        )
        .distinct()
        .for_queue()
        .order_by("period__deadline", "item__order")
    )
    # The open periods of those sheets, each offered as a workbook to fill offline.
    own_periods = list({sheet.period_id: sheet.period for sheet in own_sheets}.values())
    plans = []
    if roles.is_hq(user) or roles.is_committee(user):
        periods = Period.objects.annotate(sheet_count=Count("sheets")).order_by(
            "-fiscal_year", "-half"
        )
        if not roles.is_hq(user):
            periods = periods.filter(state=Period.State.PUBLISHED)
        plans = Plan.objects.prefetch_related(Prefetch("periods", queryset=periods))
    return render(
        request,
        "surveys/dashboard.html",
        {
            "own_sheets": own_sheets,
            "own_periods": own_periods,
            "plans": plans,
            "is_hq": roles.is_hq(user),
            "today": timezone.localdate(),
        },
    )


# /surveys/sheets/<pk>/


@login_required
def sheet_detail(request, pk: int):
    sheet = get_sheet_for_user(request.user, pk)
    review_form = None
    if (
        roles.is_hq(request.user)
        and sheet.period.is_open
        and sheet.state == SurveySheet.State.SUBMITTED
    ):
        review_form = ReviewForm(sheet=sheet)
    return _render_sheet(request, sheet, review_form)


def _render_sheet(request, sheet, review_form, status=200):
    sheet.status_list = list(sheet.statuses.select_related("grade", "schedule_row"))
    return render(
        request,
        "surveys/sheet_detail.html",
        {
            "sheet": sheet,
            "values": _indicator_values(sheet),
            "history": sheet_history(sheet),
            "can_edit": sheet.is_editable_by(request.user),
            "review_form": review_form,
        },
        status=status,
    )


@login_required
def sheet_edit(request, pk: int):
    sheet = get_sheet_for_user(request.user, pk)
    back = sheet.get_absolute_url()
    if not sheet.is_division_member(request.user):
        raise PermissionDenied(_("Only the responsible division can fill this sheet."))
    if not sheet.is_fillable:
        return refuse(request, sheet.state_refusal(), back=back)
    values = _indicator_values(sheet)
    form = SheetForm(request.POST or None, sheet=sheet, indicator_values=values)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            sheet.fill(
                by=request.user,
                version=form.cleaned_data["version"],
                fields=form.sheet_fields(),
                actuals=form.actuals(),
                statuses=form.statuses(),
                submit=form.submitting,
            )
        except Refused as error:
            return refusal(request, error, back)
        except Conflict as error:
            conflict = _conflict(error, form)
        else:
            if form.submitting:
                messages.success(
                    request, _("The sheet was submitted to the reform headquarters.")
                )
                return redirect(sheet)
            messages.success(request, _("The draft was saved."))
            return redirect("surveys:sheet_edit", pk=sheet.pk)
    return render(
        request,
        "surveys/sheet_form.html",
        {"sheet": sheet, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _conflict(error: Conflict, form: SheetForm) -> dict:
    """What the other person changed, shown above the form that keeps this user's text.

    The form is bound again at the current version, so saving it once more,
    after reading the other changes, is a deliberate overwrite.
    """
    current = error.current
    loaded = current.history.filter(version=error.loaded_version).first()
    names = form.sheet_fields_names()
    changed = [
        {
            "label": form.fields[name].label,
            "theirs": getattr(current, name) or "—",
        }
        for name in names
        if loaded is None
        or getattr(loaded, f"{name}_id" if name.endswith("grade") else name)
        != getattr(current, f"{name}_id" if name.endswith("grade") else name)
    ]
    form.data = form.data.copy()
    form.data["version"] = current.version
    editor = (
        current.history.order_by("-history_date").select_related("history_user").first()
    )
    return {
        "changed": changed,
        "by": editor.history_user if editor else None,
        "at": current.updated_at,
    }


@login_required
def sheet_review(request, pk: int):
    sheet = get_sheet_for_user(request.user, pk)
    back = sheet.get_absolute_url()
    require_hq(request.user)
    if request.method != "POST":
        return redirect(sheet)
    form = ReviewForm(request.POST, sheet=sheet)
    if not form.is_valid():
        return _render_sheet(request, sheet, form, status=400)
    try:
        if form.cleaned_data["decision"] == ReviewForm.RETURN:
            sheet.return_to_division(by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("The sheet was returned to the division."))
        else:
            sheet.accept(
                by=request.user,
                grade=form.cleaned_data.get("hq_grade"),
                reason=form.cleaned_data.get("hq_reason", ""),
            )
            messages.success(request, _("The sheet was rated and accepted."))
    except Refused as error:
        return refusal(request, error, back)
    return redirect("surveys:queue", pk=sheet.period_id)


# /surveys/plans/<plan_id>/periods/new/


@login_required
def period_new(request, plan_id: int):
    plan = get_object_or_404(Plan, pk=plan_id)
    require_hq(request.user)
    form = PeriodForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            period = open_period(plan=plan, by=request.user, **form.cleaned_data)
        except Refused as error:
            return refusal(request, error, reverse("surveys:dashboard"))
        messages.success(
            request,
            _("The period was opened with %(count)d sheets.")
            % {"count": period.sheets.count()},
        )
        return redirect("surveys:queue", pk=period.pk)
    return render(request, "surveys/period_form.html", {"plan": plan, "form": form})


# /surveys/periods/<pk>/


@login_required
def period_queue(request, pk: int):
    period = get_period_for_hq(request.user, pk)
    filters = QueueFilterForm(request.GET or None, period=period)
    sheets = with_statuses(
        filters.filter(period.sheets.for_queue()).order_by("item__order"), period.plan
    )
    counts = dict(period.sheets.values_list("state").annotate(n=Count("pk")))
    return render(
        request,
        "surveys/period_queue.html",
        {
            "period": period,
            "filters": filters,
            "sheets": sheets,
            "counts": [
                (state, counts.get(state.value, 0)) for state in SurveySheet.State
            ],
            "missing": missing_by_division(period) if period.is_open else {},
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def period_publish(request, pk: int):
    period = get_period_for_hq(request.user, pk)
    back = reverse("surveys:queue", args=[period.pk])
    try:
        publish_period(period=period, by=request.user)
    except Refused as error:
        return refusal(request, error, back)
    messages.success(request, _("The period was published; citizens can now see it."))
    return redirect(period.plan)


# /surveys/periods/<pk>/reports/<kind>.xlsx and /surveys/plans/<plan_id>/reports/trend.xlsx

REPORTS = {
    "summary": (reports.summary_workbook, "評価一覧"),
    "counts": (reports.counts_workbook, "表1_分野別評価"),
    "sheets": (reports.sheets_workbook, "調査票"),
}


def get_period_for_reports(user, pk: int) -> Period:
    """HQ reads every period's reports, the committee those of published periods."""
    period = get_object_or_404(
        Period.objects.select_related("plan__rating_scale"), pk=pk
    )
    if roles.is_hq(user):
        return period
    if roles.is_committee(user):
        if period.is_published:
            return period
        raise Http404
    raise PermissionDenied(
        _("Reports are for the reform headquarters and the committee.")
    )


def xlsx_response(data: bytes, filename: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)


def period_filename(period: Period, name: str) -> str:
    return f"{period.plan.name}_{period_label(period, separator='')}_{name}.xlsx"


@login_required
def period_report(request, pk: int, kind: str):
    if kind not in REPORTS:
        raise Http404
    period = get_period_for_reports(request.user, pk)
    build, name = REPORTS[kind]
    return xlsx_response(build(period.plan, period), period_filename(period, name))


@login_required
def plan_trend(request, plan_id: int):
    plan = get_object_or_404(Plan.objects.select_related("rating_scale"), pk=plan_id)
    if roles.is_hq(request.user):
        periods = sorted(plan.periods.all(), key=lambda p: p.sort_key)
    elif roles.is_committee(request.user):
        periods = sorted(plan.periods.published(), key=lambda p: p.sort_key)
    else:
        raise PermissionDenied(
            _("Reports are for the reform headquarters and the committee.")
        )
    return xlsx_response(
        reports.trend_workbook(plan, periods), f"{plan.name}_評価の推移.xlsx"
    )


# /surveys/periods/<pk>/sheets.xlsx and /surveys/periods/<pk>/upload/

UPLOAD_KIND = "sheets"


def get_open_period(pk: int) -> Period:
    return get_object_or_404(
        Period.objects.select_related("plan__rating_scale"),
        pk=pk,
        state=Period.State.OPEN,
    )


def has_sheets_in(user, period: Period) -> bool:
    return period.sheets.filter(
        item__division_links__division__in=roles.division_ids(user)
    ).exists()


@login_required
def period_workbook(request, pk: int):
    """The open period's sheets the user may see, as a workbook to fill in offline."""
    period = get_open_period(pk)
    if not (roles.is_hq(request.user) or has_sheets_in(request.user, period)):
        raise PermissionDenied(
            _("Only HQ and the divisions with sheets in this period can download them.")
        )
    return xlsx_response(
        sheetfiles.sheets_workbook_for(request.user, period),
        period_filename(period, "調査票_記入用"),
    )


@login_required
def period_upload(request, pk: int):
    """GET: the upload form. POST with a file: the preview. POST with a token: save."""
    period = get_open_period(pk)
    if not has_sheets_in(request.user, period):
        raise PermissionDenied(
            _("Only the divisions with sheets in this period can upload them.")
        )
    context = {"period": period, "form": SheetUploadForm()}
    if request.method != "POST":
        return _upload_page(request, context)
    if "token" in request.POST:
        return _confirm_upload(request, period, context)
    form = SheetUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return _upload_page(request, context, status=400)
    upload = form.cleaned_data["file"]
    try:
        plan = sheetfiles.read_upload(request.user, period, upload)
    except uploads.UploadRejected as error:
        return _upload_page(request, context | {"error": error.message}, status=400)
    token = uploads.hold(request, upload, UPLOAD_KIND) if plan.can_apply else None
    return _preview(request, context, plan, token)


def _confirm_upload(request, period: Period, context: dict):
    """Read the held file again, check it as new, and save it if nothing moved."""
    confirm = UploadConfirmForm(request.POST)
    try:
        if not confirm.is_valid():
            raise uploads.UploadRejected(_("The confirmation was not valid."))
        token = confirm.cleaned_data["token"]
        upload = uploads.held(request, token, UPLOAD_KIND)
        plan = sheetfiles.read_upload(request.user, period, upload)
        if not plan.can_apply or _sheet_keys(plan) != confirm.cleaned_data["sheets"]:
            context["error"] = _(
                "The sheets changed since the preview, so nothing was saved. "
                "Check the new preview below."
            )
            return _preview(request, context, plan, token, status=409)
        saved = sheetfiles.apply_upload(request.user, plan)
    except uploads.UploadRejected as error:
        return _upload_page(request, context | {"error": error.message}, status=400)
    except Refused as error:
        return _upload_page(request, context | {"error": error.message}, status=409)
    except Conflict:
        context["error"] = _(
            "Someone saved one of the sheets while yours were being saved, so "
            "nothing was saved. Upload the file again to see what changed."
        )
        return _upload_page(request, context, status=409)
    uploads.release(request, token)
    messages.success(
        request,
        ngettext(
            "%(count)d sheet was saved as a draft. Check it and submit it in the app.",
            "%(count)d sheets were saved as drafts. Check them and submit them in the app.",
            saved,
        )
        % {"count": saved},
    )
    return redirect("surveys:dashboard")


def _sheet_keys(plan: sheetfiles.UploadPlan) -> str:
    """The sheets a confirmation saves, as the preview showed them."""
    return ",".join(str(entry.sheet.pk) for entry in plan.to_save)


def _preview(request, context: dict, plan, token: str | None, status: int = 200):
    context["plan"] = plan
    if plan.can_apply:
        context["confirm"] = UploadConfirmForm(
            initial={"token": token, "sheets": _sheet_keys(plan)}
        )
    return _upload_page(request, context, status=400 if plan.problems else status)


def _upload_page(request, context: dict, status: int = 200):
    return render(request, "surveys/period_upload.html", context, status=status)
