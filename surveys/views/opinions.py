"""Committee opinions: a period's list (where the committee writes them), an
opinion's page (where HQ answers and the assigned division reports)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from surveys import access
from surveys.history import opinion_history
from surveys.mail import site_url_of
from surveys.models import Opinion
from surveys.models import Refused
from surveys.opinion_forms import ActionForm
from surveys.opinion_forms import AnswerForm
from surveys.opinion_forms import OpinionForm
from surveys.views.responses import refuse

# /surveys/periods/<pk>/opinions/


@login_required
def period_opinions(request, pk: int):
    """The period's opinions for HQ and the committee; committee members write here."""
    period = access.period_for_reports(request.user, pk)
    may_write = access.may_write_opinion(request.user, period)
    form = None
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(
                _("Only committee members write opinions, on a published period.")
            )
        form = OpinionForm(request.POST, period=period)
        if form.is_valid():
            opinion = Opinion.record(
                by=request.user,
                period=period,
                item=form.cleaned_data["item"],
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("Your opinion was recorded for HQ to answer."))
            sheet = (
                opinion.item.sheets.filter(period=period).first()
                if opinion.item and request.POST.get("from_sheet")
                else None
            )
            if sheet is not None:
                return redirect(sheet.get_absolute_url() + "#opinions")
            return redirect("surveys:opinions", pk=period.pk)
    elif may_write:
        form = OpinionForm(period=period, initial={"item": request.GET.get("item")})
    opinions = period.opinions.select_related("item__plan", "division", "author")
    return render(
        request,
        "surveys/period_opinions.html",
        {
            "period": period,
            "opinions": opinions,
            "form": form,
            "may_answer": access.is_hq(request.user, period.plan.city_id),
        },
        status=400 if form is not None and form.errors else 200,
    )


# /surveys/opinions/<pk>/


@login_required
def opinion_detail(request, pk: int):
    return render_opinion(request, access.opinion_for(request.user, pk))


def render_opinion(request, opinion: Opinion, status: int = 200, **bound):
    user = request.user
    return render(
        request,
        "surveys/opinion_detail.html",
        {
            "opinion": opinion,
            "answer_form": (bound.get("answer_form") or AnswerForm(opinion=opinion))
            if access.may_answer(user, opinion)
            else None,
            "action_form": (
                bound.get("action_form") or ActionForm(initial={"text": opinion.action})
            )
            if access.may_report(user, opinion)
            else None,
            "history": opinion_history(opinion),
            "may_list": access.reads_reports(user, opinion.city_id),
        },
        status=status,
    )


@login_required
@require_POST
def opinion_answer(request, pk: int):
    opinion = access.opinion_to_answer(request.user, pk)
    form = AnswerForm(request.POST, opinion=opinion)
    if not form.is_valid():
        return render_opinion(request, opinion, 400, answer_form=form)
    try:
        opinion.answer(
            by=request.user, site_url=site_url_of(request), **form.cleaned_data
        )
    except Refused as error:
        return refuse(request, error.message, back=opinion.get_absolute_url())
    messages.success(request, _("The response was saved."))
    return redirect(opinion)


@login_required
@require_POST
def opinion_report(request, pk: int):
    opinion = access.opinion_to_report(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return render_opinion(request, opinion, 400, action_form=form)
    try:
        opinion.report(by=request.user, text=form.cleaned_data["text"])
    except Refused as error:
        return refuse(request, error.message, back=opinion.get_absolute_url())
    messages.success(request, _("Your division's report on the opinion was saved."))
    return redirect(_back_to_sheet(request) or opinion)


def _back_to_sheet(request) -> str | None:
    """The sheet page the form was posted from, if the user may see it."""
    pk = request.POST.get("sheet", "")
    if not pk.isdigit():
        return None
    try:
        return access.sheet_for(request.user, int(pk)).get_absolute_url()
    except Http404:
        return None
