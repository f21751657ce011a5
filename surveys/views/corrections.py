"""/surveys/sheets/<pk>/correction/: a published sheet reopened, corrected and published again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from surveys import access
from surveys import corrections
from surveys.forms import CorrectionForm
from surveys.forms import ReopenForm
from surveys.forms import division_fields
from surveys.history import Revision
from surveys.history import field_label
from surveys.models import Correction
from surveys.models import Refused
from surveys.views.responses import refuse
from surveys.views.sheets import render_sheet

SAVE, PUBLISH, WITHDRAW = "save", "publish", "withdraw"


@login_required
@require_POST
def correction_open(request, pk: int):
    """HQ reopens a published sheet for correction, saying why."""
    sheet = access.sheet_to_review(request.user, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return render_sheet(request, sheet, 400, reopen_form=form)
    try:
        corrections.open_correction(
            sheet, by=request.user, note=form.cleaned_data["note"]
        )
    except Refused as error:
        return refuse(request, error.message, back=sheet.get_absolute_url())
    messages.success(
        request,
        _("The sheet was reopened for correction; the public sees it unchanged."),
    )
    return redirect("surveys:correction", pk=sheet.pk)


@login_required
def correction_edit(request, pk: int):
    """The correction's values: the division and HQ save them; HQ publishes or withdraws."""
    sheet = access.sheet_to_fill(request.user, pk)
    correction = get_object_or_404(Correction, sheet=sheet, state=Correction.State.OPEN)
    plan = sheet.period.plan
    is_hq = access.is_hq(request.user, plan.city_id)
    fields = corrections.corrected_fields(plan) if is_hq else division_fields(plan)
    form = CorrectionForm(request.POST or None, correction=correction, fields=fields)
    action = request.POST.get("action", SAVE)
    if request.method == "POST":
        try:
            if action == WITHDRAW:
                corrections.withdraw_correction(correction, by=request.user)
                messages.success(request, _("The correction was withdrawn."))
                return redirect(sheet)
            if form.is_valid():
                corrections.save_correction(
                    correction, by=request.user, values=form.values()
                )
                if action == PUBLISH:
                    corrections.publish_correction(correction, by=request.user)
                    messages.success(request, _("The correction was published."))
                    return redirect(sheet)
                messages.success(request, _("The correction was saved."))
                return redirect("surveys:correction", pk=sheet.pk)
        except Refused as error:
            return refuse(request, error.message, back=sheet.get_absolute_url())
    return render(
        request,
        "surveys/correction_form.html",
        {
            "sheet": sheet,
            "correction": correction,
            "form": form,
            "is_hq": is_hq,
            "revisions": revisions(correction),
        },
        status=400 if form.is_bound else 200,
    )


def revisions(correction: Correction) -> list[Revision]:
    """What the correction changes so far, as HQ reviews it before publishing."""
    plan = correction.sheet.period.plan
    grades = {g.pk: g.code for g in plan.rating_scale.grades.all()}
    return [
        Revision(
            field_label(plan, name),
            *(
                (grades.get(before, ""), grades.get(after, ""))
                if name in corrections.GRADES
                else (before, after)
            ),
        )
        for name, before, after in corrections.changes_of(correction)
    ]
