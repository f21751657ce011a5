"""Admin pages for the plan workbook: template, export, and import with a preview.

Import is two steps: the upload is checked and imported in a dry run whose
changes are shown; the file waits under a token until the administrator
confirms, and is then read and imported again, for real, in one transaction.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans import workbook
from plans.models import Plan
from reformtracker.lib import uploads

HOLD_KIND = "plan-workbook"
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


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


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
    plan = get_object_or_404(Plan.objects.select_related("rating_scale"), pk=pk)
    return xlsx_response(workbook.export_plan(plan), f"{plan.city}_{plan.name}.xlsx")


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
        "example": Plan.objects.order_by("pk").first(),
        "form": UploadForm(),
    }
    status = 200
    if request.method == "POST" and "token" in request.POST:
        form = ConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise uploads.UploadRejected(_("The confirmation was not valid."))
            token = form.cleaned_data["token"]
            upload = uploads.held(request, token, HOLD_KIND)
        except uploads.UploadRejected as error:
            context["error"] = error.message
            changes = None
        else:
            changes = import_or_explain(upload, context, dry_run=False)
        if changes is None:
            status = 400
        else:
            uploads.release(request, token)
            messages.success(
                request,
                _("The plan workbook was imported: %(summary)s.")
                % {"summary": summary(changes)},
            )
            return redirect(reverse("admin:plans_plan_change", args=[changes.plan.pk]))
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            changes = import_or_explain(upload, context, dry_run=True)
            if changes is None:
                status = 400
            else:
                context["changes"] = changes
                context["lines"] = changes.lines[:PREVIEW_LINES]
                context["more"] = max(0, len(changes.lines) - PREVIEW_LINES)
                if changes:
                    context["confirm"] = ConfirmForm(
                        initial={"token": uploads.hold(request, upload, HOLD_KIND)}
                    )
        else:
            status = 400
    return TemplateResponse(
        request, "admin/plans/plan/import.html", context, status=status
    )


def import_or_explain(upload, context: dict, *, dry_run: bool):
    """Import (or preview) the workbook; on refusal put why in the context, return None."""
    try:
        return workbook.import_plan(workbook.read_workbook(upload), dry_run=dry_run)
    except uploads.UploadRejected as error:
        context["error"] = error.message
    except workbook.WorkbookInvalid as error:
        context["problems"] = error.problems
    return None


def summary(changes: workbook.Changes) -> str:
    totals = {"create": 0, "update": 0, "delete": 0}
    for line in changes.lines:
        totals[line.action] += 1
    return _("%(create)d created, %(update)d changed, %(delete)d removed") % totals
