"""Responses that views of several resources give: a refusal, a workbook download."""

from __future__ import annotations

import io

from django.http import FileResponse
from django.shortcuts import render

from plans.models import Period
from reformtracker.lib.labels import period_label


def refuse(request, message: str, *, back: str):
    """A clear refusal of an action the sheet's or period's state does not allow (409)."""
    return render(
        request, "surveys/refused.html", {"message": message, "back": back}, status=409
    )


def file_response(data: bytes, filename: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)


def period_filename(period: Period, name: str) -> str:
    return f"{period.plan.name}_{period_label(period, separator='')}_{name}.xlsx"
