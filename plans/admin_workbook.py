"""Admin pages for the plan workbook: template, export, and import with a preview.

Import is two steps (reformtracker.lib.uploads.HeldUpload): the upload is
checked and imported in a dry run whose changes are shown; the file waits
under a token until the administrator confirms, and is then read and imported
again, for real, in one transaction.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans import workbook
from reformtracker.lib import uploads

PREVIEW_LINES = 300


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plan workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def xlsx_response(data: bytes, filename: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)


def template_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return xlsx_response(
        workbook.export_plan(None), "プラン・ワークブック_テンプレート.xlsx"
    )


def export_view(model_admin, request, pk: int):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    plans = model_admin.get_queryset(request)  # a city's administrator: their cities'
    plan = get_object_or_404(plans.select_related("rating_scale", "city"), pk=pk)
    return xlsx_response(workbook.export_plan(plan), f"{plan.city}_{plan.name}.xlsx")


class PlanWorkbookUpload(uploads.HeldUpload):
    """The preview is a dry run of the import; confirming runs it for real."""

    kind = "plan-workbook"
    template_name = "admin/plans/plan/import.html"
    upload_form = UploadForm

    def preview(self, upload) -> uploads.UploadPage:
        try:
            draft = workbook.read_workbook(upload, by=self.request.user)
            changes = workbook.import_plan(draft, dry_run=True)
        except workbook.WorkbookInvalid as error:
            return uploads.UploadPage({"problems": error.problems}, status=400)
        context = {
            "changes": changes,
            "lines": changes.lines[:PREVIEW_LINES],
            "more": max(0, len(changes.lines) - PREVIEW_LINES),
        }
        return uploads.UploadPage(context, confirm={} if changes else None)

    def apply(self, upload, confirmed: dict) -> HttpResponse | uploads.UploadPage:
        try:
            draft = workbook.read_workbook(upload, by=self.request.user)
            changes = workbook.import_plan(draft, dry_run=False)
        except workbook.WorkbookInvalid as error:
            return uploads.UploadPage({"problems": error.problems}, status=400)
        messages.success(
            self.request,
            _("The plan workbook was imported: %(summary)s.")
            % {"summary": summary(changes)},
        )
        return redirect(reverse("admin:plans_plan_change", args=[changes.plan.pk]))


def import_view(model_admin, request):
    """GET: the upload form. POST with a file: the preview. POST with a token: import."""
    if not (
        model_admin.has_add_permission(request)
        and model_admin.has_change_permission(request)
    ):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import a plan workbook"),
        # The first plan set up on the site, as an example of a filled-in workbook.
        "example": model_admin.get_queryset(request).order_by("pk").first(),
    }
    return PlanWorkbookUpload(request, context).response()


def summary(changes: workbook.Changes) -> str:
    totals = {"create": 0, "update": 0, "move": 0, "renumber": 0, "delete": 0}
    for line in changes.lines:
        totals[line.action] += 1
    return (
        _(
            "%(create)d created, %(update)d changed, %(move)d moved, "
            "%(renumber)d renumbered, %(delete)d removed"
        )
        % totals
    )
