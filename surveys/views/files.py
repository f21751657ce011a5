"""A period's sheets as a workbook: downloaded prefilled, filled in offline, uploaded back.

/surveys/periods/<pk>/sheets.xlsx and /surveys/periods/<pk>/upload/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
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
from surveys.views.responses import period_filename
from surveys.views.responses import xlsx_response


@login_required
def period_workbook(request, pk: int):
    """The open period's sheets the user may see, as a workbook to fill in offline."""
    period = access.period_to_download(request.user, pk)
    return xlsx_response(
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
                "%(count)d sheet was saved as a draft. Check it and submit it in the app.",
                "%(count)d sheets were saved as drafts. Check them and submit them in the app.",
                saved,
            )
            % {"count": saved},
        )
        return redirect("surveys:dashboard")


def _preview(plan: sheetfiles.UploadPlan, status: int = 200) -> uploads.UploadPage:
    return uploads.UploadPage(
        {"plan": plan},
        status=400 if plan.problems else status,
        confirm={"sheets": _sheet_keys(plan)} if plan.can_apply else None,
    )


def _sheet_keys(plan: sheetfiles.UploadPlan) -> str:
    """The sheets a confirmation saves, as the preview showed them."""
    return ",".join(str(entry.sheet.pk) for entry in plan.to_save)
