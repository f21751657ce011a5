"""/surveys/sheets/<pk>/: a sheet read, filled in by its division, reviewed by HQ."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reformtracker.lib.paging import page_of
from surveys import access
from surveys.corrections import open_correction_of
from surveys.forms import ContributionForm
from surveys.forms import ReopenForm
from surveys.forms import ReplyForm
from surveys.forms import ReviewForm
from surveys.forms import SheetForm
from surveys.history import conversation
from surveys.history import sheet_history
from surveys.history import since_return
from surveys.mail import site_url_of
from surveys.models import Conflict
from surveys.models import Refused
from surveys.models import SurveySheet
from surveys.opinion_forms import ActionForm
from surveys.opinion_forms import OpinionForm
from surveys.period_forms import QueueFilterForm
from surveys.period_forms import queue_params
from surveys.period_forms import queue_query
from surveys.views.responses import refuse


@login_required
def sheet_detail(request, pk: int):
    return render_sheet(request, access.sheet_for(request.user, pk))


def _around(sheet: SurveySheet) -> tuple[Q, Q]:
    """The sheets before and after `sheet` in a list in the plan's order (then
    the sheet's id, for items given the same place)."""
    order = sheet.item.order
    before = Q(item__order__lt=order) | Q(item__order=order, pk__lt=sheet.pk)
    after = Q(item__order__gt=order) | Q(item__order=order, pk__gt=sheet.pk)
    return before, after


def _reading_nav(sheet: SurveySheet) -> dict:
    """For the committee: the page of the reading list this sheet stands on, and
    the sheets before and after it."""
    before, after = _around(sheet)
    sheets = sheet.period.sheets.order_by("item__order", "pk").values_list(
        "pk", flat=True
    )
    previous = sheets.filter(before).last()
    following = sheets.filter(after).first()
    page = page_of(sheets.filter(before).count())
    return {
        "queue": reverse("surveys:reading", args=[sheet.period_id])
        + (f"?page={page}" if page > 1 else ""),
        "previous": reverse("surveys:sheet", args=[previous]) if previous else None,
        "next": reverse("surveys:sheet", args=[following]) if following else None,
        "reading": True,
    }


def _queue_nav(request, sheet: SurveySheet) -> dict | None:
    """For HQ: the queue with its filters kept, and the next sheet in it after this one;
    for the committee, the reading list of a published period."""
    city = sheet.period.plan.city_id
    if not access.is_hq(request.user, city):
        if sheet.period.is_published and access.is_committee(request.user, city):
            return _reading_nav(sheet)
        return None
    params = request.POST if request.method == "POST" else request.GET
    kept = queue_params(params)
    queue = QueueFilterForm(kept, period=sheet.period).filter(sheet.period.sheets.all())
    before, after = _around(sheet)
    following = queue.filter(after).values_list("pk", flat=True).first()
    # Back to the page the sheet stands on (or stood on, before a decision took
    # it out of the filter): the sheets before it in the queue decide which.
    back = queue_query(kept, page=page_of(queue.filter(before).count()))
    suffix = f"?{query}" if (query := queue_query(kept)) else ""
    return {
        "queue": reverse("surveys:queue", args=[sheet.period_id])
        + (f"?{back}" if back else ""),
        "next": reverse("surveys:sheet", args=[following]) + suffix
        if following
        else None,
        "kept": kept.items(),
    }


def render_sheet(request, sheet, status=200, **bound):
    """The sheet's page; `bound` holds a form posted with errors, shown as posted."""
    sheet.status_list = list(
        sheet.statuses.select_related("grade", "schedule_row").order_by(
            "schedule_row__order"
        )
    )
    user = request.user
    review_form = bound.get("review_form")
    if review_form is None and access.may_review(user, sheet):
        review_form = ReviewForm(sheet=sheet)
    correction = open_correction_of(sheet) if sheet.period.is_published else None
    may_reopen = (
        sheet.period.is_published
        and correction is None
        and access.is_hq(user, sheet.period.plan.city_id)
    )
    return render(
        request,
        "surveys/sheet_detail.html",
        {
            "sheet": sheet,
            "values": sheet.actual_values(),
            "history": sheet_history(sheet),
            "can_edit": access.may_edit(request.user, sheet),
            "is_proxy": access.is_proxy(request.user, sheet),
            "review_form": review_form,
            "nav": _queue_nav(request, sheet),
            "conversation": conversation(sheet),
            "reply_form": (bound.get("reply_form") or ReplyForm())
            if access.may_reply(user, sheet)
            else None,
            "correction": correction
            if correction and access.may_fill(user, sheet)
            else None,
            "reopen_form": (bound.get("reopen_form") or ReopenForm())
            if may_reopen
            else None,
            "corrections": sheet.corrections.published(),
            "contributions": sheet.contributions.select_related("division", "author"),
            "contribution_form": (
                bound.get("contribution_form") or _contribution_form(user, sheet)
            )
            if access.may_contribute(user, sheet)
            else None,
            "may_withdraw": access.may_withdraw(user, sheet),
            **_opinions(user, sheet),
            # What HQ reviews again: the changes since it returned the sheet.
            "since_return": since_return(sheet) if review_form else [],
        },
        status=status,
    )


def _opinions(user, sheet: SurveySheet) -> dict:
    """The committee's opinions on the sheet's item: for HQ and the committee, those
    of this period (and the form to write one); for its division, those of the
    period before, to report on."""
    city = sheet.period.plan.city_id
    return {
        "item_opinions": sheet.item.opinions.filter(period=sheet.period).select_related(
            "author", "division"
        )
        if sheet.period.is_published and access.reads_reports(user, city)
        else None,
        "opinion_form": OpinionForm(period=sheet.period, auto_id="id_opinion_%s")
        if access.may_write_opinion(user, sheet.period)
        else None,
        "opinions_to_report": [
            (
                opinion,
                ActionForm(
                    initial={"text": opinion.action},
                    auto_id=f"id_opinion{opinion.pk}_%s",
                ),
            )
            for opinion in access.opinions_to_report(user, sheet)
        ],
    }


@login_required
def sheet_edit(request, pk: int):
    sheet = access.sheet_to_fill(request.user, pk)
    if not sheet.is_fillable:
        return refuse(request, sheet.state_refusal(), back=sheet.get_absolute_url())
    values = sheet.actual_values()
    form = SheetForm(request.POST or None, sheet=sheet, indicator_values=values)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            form.fill(request.user)
        except Refused as error:
            return refuse(request, error.message, back=sheet.get_absolute_url())
        except Conflict as error:
            conflict = _conflict(error, form)
        else:
            return _saved(request, sheet, submitted=form.submitting)
    return render(
        request,
        "surveys/sheet_form.html",
        {
            "sheet": sheet,
            "form": form,
            "conflict": conflict,
            "is_proxy": access.is_proxy(request.user, sheet),
            "contributions": sheet.contributions.select_related("division"),
        },
        status=409 if conflict else 200,
    )


def _saved(request, sheet: SurveySheet, *, submitted: bool):
    """Back to the sheet once submitted; back to the form after a draft."""
    if submitted:
        messages.success(
            request, _("The sheet was submitted to the reform headquarters.")
        )
        return redirect(sheet)
    messages.success(request, _("The draft was saved."))
    return redirect("surveys:sheet_edit", pk=sheet.pk)


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
@require_POST
def sheet_reply(request, pk: int):
    sheet = access.sheet_to_fill(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_sheet(request, sheet, 400, reply_form=form)
    try:
        sheet.reply(by=request.user, text=form.cleaned_data["text"])
    except Refused as error:
        return refuse(request, error.message, back=sheet.get_absolute_url())
    messages.success(request, _("Your reply was added to the sheet."))
    return redirect(sheet)


def _contribution_form(user, sheet: SurveySheet) -> ContributionForm:
    division = sheet.contributing_divisions(user)[0]
    written = sheet.contributions.filter(division=division).first()
    return ContributionForm(initial={"text": written.text if written else ""})


@login_required
@require_POST
def sheet_contribute(request, pk: int):
    sheet = access.sheet_to_contribute(request.user, pk)
    form = ContributionForm(request.POST)
    if not form.is_valid():
        return render_sheet(request, sheet, 400, contribution_form=form)
    try:
        sheet.contribute(by=request.user, text=form.cleaned_data["text"])
    except Refused as error:
        return refuse(request, error.message, back=sheet.get_absolute_url())
    messages.success(
        request, _("Your division's part was saved for the lead division.")
    )
    return redirect(sheet)


@login_required
@require_POST
def sheet_withdraw(request, pk: int):
    sheet = access.sheet_for(request.user, pk)
    try:
        sheet.withdraw(by=request.user)
    except Refused as error:
        return refuse(request, error.message, back=sheet.get_absolute_url())
    messages.success(
        request, _("The submission was withdrawn; the sheet is a draft again.")
    )
    return redirect("surveys:sheet_edit", pk=sheet.pk)


@login_required
def sheet_review(request, pk: int):
    sheet = access.sheet_to_review(request.user, pk)
    if request.method != "POST":
        return redirect(sheet)
    form = ReviewForm(request.POST, sheet=sheet)
    if not form.is_valid():
        return render_sheet(request, sheet, 400, review_form=form)
    try:
        if form.cleaned_data["decision"] == ReviewForm.RETURN:
            notified = sheet.return_to_division(
                by=request.user,
                note=form.cleaned_data["note"],
                site_url=site_url_of(request),
            )
            messages.success(request, _("The sheet was returned to the division."))
            if notified is False:
                messages.warning(
                    request,
                    _(
                        "The division could not be notified by e-mail; tell them "
                        "another way. The failure was logged."
                    ),
                )
        else:
            sheet.accept(
                by=request.user,
                grade=form.cleaned_data.get("hq_grade"),
                reason=form.cleaned_data.get("hq_reason", ""),
            )
            messages.success(request, _("The sheet was rated and accepted."))
    except Refused as error:
        return refuse(request, error.message, back=sheet.get_absolute_url())
    nav = _queue_nav(request, sheet)
    return redirect(nav["next"] or nav["queue"])
