"""A period's sheets as a workbook: downloaded prefilled, filled in offline, uploaded back.

/surveys/periods/<pk>/sheets.xlsx and /surveys/periods/<pk>/upload/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Period
from reformtracker.lib import uploads
from surveys import access
from surveys import sheetfiles
from surveys.forms import SheetUploadForm
from surveys.forms import UploadConfirmForm
from surveys.models import Conflict
from surveys.models import Refused
from surveys.views.responses import file_response
from surveys.views.responses import period_filename
from surveys.workflow import submit_as_saved


@login_required
def period_workbook(request, pk: int):
    """The open period's sheets the user may see, as a workbook to fill in offline."""
    period = access.period_to_download(request.user, pk)
    return file_response(
        sheetfiles.sheets_workbook_for(request.user, period),
        period_filename(period, "調査票_記入用"),
    )


@login_required
def period_upload(request, pk: int):
    """GET: the upload form. POST with a file: the preview. POST with a token: save."""
    period = access.period_to_upload(request.user, pk)
    return SheetsUpload(request, period).response()


class SheetsUpload(uploads.HeldUpload):
    """The preview lists each sheet's changes; confirming saves them as drafts.

    The confirmation names the sheets the preview showed, so that a held file
    which would now save other sheets is shown again instead of saved.
    """

    kind = "sheets"
    template_name = "surveys/period_upload.html"
    upload_form = SheetUploadForm
    confirm_form = UploadConfirmForm

    def __init__(self, request, period: Period):
        super().__init__(request, {"period": period})
        self.period = period

    def preview(self, upload) -> uploads.UploadPage:
        return _preview(sheetfiles.read_upload(self.request.user, self.period, upload))

    def apply(self, upload, confirmed: dict) -> HttpResponse | uploads.UploadPage:
        plan = sheetfiles.read_upload(self.request.user, self.period, upload)
        if not plan.can_apply or _sheet_keys(plan) != confirmed["sheets"]:
            page = _preview(plan, status=409)
            page.context["error"] = _(
                "The sheets changed since the preview, so nothing was saved. "
                "Check the new preview below."
            )
            return page
        try:
            saved = sheetfiles.apply_upload(self.request.user, plan)
        except Refused as error:
            return uploads.UploadPage({"error": error.message}, status=409)
        except Conflict:
            message = _(
                "Someone saved one of the sheets while yours were being saved, so "
                "nothing was saved. Upload the file again to see what changed."
            )
            return uploads.UploadPage({"error": message}, status=409)
        messages.success(
            self.request,
            ngettext(
                "%(count)d sheet was saved as a draft.",
                "%(count)d sheets were saved as drafts.",
                saved,
            )
            % {"count": saved},
        )
        ids = ",".join(str(entry.sheet.pk) for entry in plan.to_save)
        url = reverse("surveys:period_submit", args=[self.period.pk])
        return redirect(f"{url}?{urlencode({'sheets': ids})}")


# /surveys/periods/<pk>/submit/

MAX_SHEETS = 2000  # more than any plan has; a longer list is not read


@login_required
def period_submit(request, pk: int):
    """The sheets just uploaded, to submit together: GET lists them, POST submits."""
    period = access.period_to_upload(request.user, pk)
    chosen = (
        request.POST.getlist("sheets")
        if request.method == "POST"
        else request.GET.get("sheets", "").split(",")
    )
    ids = [int(value) for value in chosen[:MAX_SHEETS] if value.isdigit()]
    sheets = access.fillable_sheets(
        request.user, period.sheets.filter(pk__in=ids).order_by("item__order")
    )
    if request.method != "POST":
        return render(
            request, "surveys/period_submit.html", {"period": period, "sheets": sheets}
        )
    if not ids:
        return render(
            request,
            "surveys/period_submit.html",
            {
                "period": period,
                "sheets": sheets,
                "error": _("Choose at least one sheet to submit."),
            },
            status=400,
        )
    return render(
        request,
        "surveys/period_bulk.html",
        {
            "period": period,
            "outcomes": submit_as_saved(sheets, by=request.user),
            "back": reverse("surveys:dashboard"),
        },
    )


def _preview(plan: sheetfiles.UploadPlan, status: int = 200) -> uploads.UploadPage:
    return uploads.UploadPage(
        {"plan": plan},
        status=400 if plan.problems else status,
        confirm={"sheets": _sheet_keys(plan)} if plan.can_apply else None,
    )


def _sheet_keys(plan: sheetfiles.UploadPlan) -> str:
    """The sheets a confirmation saves, as the preview showed them."""
    return ",".join(str(entry.sheet.pk) for entry in plan.to_save)
