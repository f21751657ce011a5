"""Checking an uploaded workbook before anything reads it, and naming the place of a problem.

Every check runs on the raw bytes first: the size, that it is a zip holding a
workbook (not an .xls, a CSV or another zip renamed), and that it does not
unpack to far more than it weighs (a decompression bomb, which neither the
zip module nor openpyxl guards against). XML entity tricks are stopped by
defusedxml, which openpyxl uses when it is installed.

`HeldUpload` is the flow both imports share: upload, preview, confirm.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
RATIO_CHECK_FROM = 10 * MEGABYTE


class UploadRejected(Exception):
    """The file cannot be read as a workbook; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """Something wrong at one place of a workbook: sheet, row and column as Excel shows them."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def place(self) -> str:
        if self.row and self.column:
            return _("sheet “%(sheet)s”, row %(row)s, column “%(column)s”") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
            }
        if self.row:
            return _("sheet “%(sheet)s”, row %(row)s") % {
                "sheet": self.sheet,
                "row": self.row,
            }
        if self.column:
            return _("sheet “%(sheet)s”, column “%(column)s”") % {
                "sheet": self.sheet,
                "column": self.column,
            }
        return _("sheet “%(sheet)s”") % {"sheet": self.sheet}

    def __str__(self) -> str:
        return f"{self.place()}: {self.message}"


def checked_bytes(upload, suffixes: tuple[str, ...] = (".xlsx",)) -> bytes:
    """An upload's content after checking its name, its size and, for .xlsx, its archive.

    Raises UploadRejected before anything parses the file.
    """
    limit = settings.UPLOAD_MAX_BYTES
    name = upload.name.lower()
    if not name.endswith(suffixes):
        if suffixes == (".xlsx",):
            message = _(
                "“%(name)s” is not an Excel workbook: choose a file ending in .xlsx."
            )
        else:
            message = _(
                "“%(name)s” cannot be imported: choose a file ending in %(suffixes)s."
            )
        raise UploadRejected(
            message % {"name": upload.name, "suffixes": " / ".join(suffixes)}
        )
    if upload.size > limit:
        raise UploadRejected(
            _("The file is %(size).1f MB; files up to %(limit)d MB are accepted.")
            % {"size": upload.size / MEGABYTE, "limit": limit // MEGABYTE}
        )
    data = upload.read()
    if name.endswith(".xlsx"):
        check_archive(data)
    return data


def open_workbook(upload) -> openpyxl.Workbook:
    """Open an uploaded .xlsx read-only after checking it; raise UploadRejected if it is not one.

    Formulas are kept as formulas (not their cached values) so that the
    reader can refuse them by place.
    """
    data = checked_bytes(upload)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # noqa: BLE001 - any parser failure means "not readable"
        raise UploadRejected(unreadable(error)) from error


# What parsing a hostile or broken workbook raises, from openpyxl, the XML
# parsers (defusedxml refusing entities included) and the zip reader.
READ_ERRORS = (
    DefusedXmlException,
    ParseError,
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
)


@contextmanager
def reading():
    """Turn a failure while reading a workbook's cells into an UploadRejected."""
    try:
        yield
    except READ_ERRORS as error:
        raise UploadRejected(unreadable(error)) from error


def rows_within(
    worksheet,
    layout: tuple[int, int],
    *,
    min_row: int = 1,
    max_row: int | None = None,
    min_col: int = 1,
    max_col: int | None = None,
    values_only: bool = False,
):
    """A worksheet's rows, never beyond the (rows, columns) its layout can fill.

    openpyxl pads every row to the size a worksheet declares (up to 16,384
    columns) and yields every row up to it: a worksheet declared larger than
    its layout is refused, and nothing outside the asked rectangle is read.
    """
    layout_rows, layout_columns = layout
    rows, columns = worksheet.max_row or 0, worksheet.max_column or 0
    if rows > layout_rows or columns > layout_columns:
        raise UploadRejected(
            _(
                "The worksheet “%(sheet)s” is declared to span %(rows)d rows and "
                "%(columns)d columns, more than its layout allows (%(max_row)d rows, "
                "%(max_col)d columns). Copy its contents into a newly downloaded "
                "workbook and retry."
            )
            % {
                "sheet": worksheet.title,
                "rows": rows,
                "columns": columns,
                "max_row": layout_rows,
                "max_col": layout_columns,
            }
        )
    return worksheet.iter_rows(
        min_row=min_row,
        max_row=min(max_row or rows or layout_rows, layout_rows),
        min_col=min_col,
        max_col=min(max_col or columns or layout_columns, layout_columns),
        values_only=values_only,
    )


def unreadable(error: Exception) -> str:
    """The message for a file that failed to parse, naming the innermost error."""
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__
    return _(
        "The file could not be read as an Excel workbook (%(error)s). "
        "Save it again from Excel as .xlsx and retry."
    ) % {"error": type(error).__name__}


def check_archive(data: bytes) -> None:
    """Refuse anything that is not a plain xlsx zip of a sensible unpacked size."""
    not_xlsx = _(
        "The file is not an Excel workbook (.xlsx). If it was saved as .xls or "
        "CSV, open it in Excel and save it as “Excel Workbook (*.xlsx)”."
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadRejected(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UploadRejected(not_xlsx) from error
    names = {entry.filename for entry in entries}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise UploadRejected(not_xlsx)
    unpacked = sum(entry.file_size for entry in entries)
    ratio = max(
        (entry.file_size / max(entry.compress_size, 1) for entry in entries),
        default=0,
    )
    # Only a workbook that unpacks to a lot is judged by its ratio: small files
    # of repetitive cells compress very well and are harmless.
    if unpacked > settings.UPLOAD_MAX_UNPACKED_BYTES or (
        unpacked > RATIO_CHECK_FROM and ratio > settings.UPLOAD_MAX_COMPRESSION_RATIO
    ):
        raise UploadRejected(
            _(
                "The file unpacks to %(size)d MB, far more than a workbook of its "
                "size would; it is refused as a possible decompression bomb."
            )
            % {"size": unpacked // MEGABYTE}
        )
    # openpyxl reads the shared strings whole into memory, and parses a
    # worksheet's row whole before it can trim it: each part is bounded.
    # zipfile stops at the size an entry declares, so the declared size holds.
    for entry in entries:
        limit = (
            settings.UPLOAD_MAX_SHARED_STRINGS_BYTES
            if entry.filename == "xl/sharedStrings.xml"
            else settings.UPLOAD_MAX_PART_BYTES
        )
        if entry.file_size > limit:
            raise UploadRejected(
                _(
                    "The part “%(part)s” of the file unpacks to %(size)d MB; "
                    "parts up to %(limit)d MB are accepted."
                )
                % {
                    "part": entry.filename,
                    "size": entry.file_size // MEGABYTE,
                    "limit": limit // MEGABYTE,
                }
            )


def cell_text(value) -> str:
    """A cell's value as the text a person typed: numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


# An import in three steps: a form with the file, a preview, the confirmation.
# Between the two posts the file waits on disk under a random token that only
# the session which uploaded it knows, and it is read again on confirmation:
# nothing the browser sends back about the preview is trusted.

HOLD_SECONDS = 24 * 60 * 60


class ConfirmForm(forms.Form):
    """The second post: the token of the held file."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


@dataclass
class UploadPage:
    """What a step shows on the upload page, with which status.

    `confirm` is the confirm form's initial data besides the token, or None
    when there is nothing to confirm.
    """

    context: dict
    status: int = 200
    confirm: dict | None = None


class HeldUpload:
    """The flow of an import, written once; a subclass says how to read and apply.

    A POST with a file reads and checks it (`preview`) and shows what applying
    it would do; when there is something to apply the file is held, and the
    confirm form carries its token. A POST with the token reads the held file
    again and applies it (`apply`) in one transaction, then releases the token.
    An UploadRejected from either step is shown as the page's error, with 400.
    """

    kind: str  # Tells one flow's held files from another's.
    template_name: str
    upload_form: type[forms.Form]
    confirm_form: type[ConfirmForm] = ConfirmForm

    def __init__(self, request, context: dict):
        self.request = request
        self.context = {"form": self.upload_form(), **context}

    def preview(self, upload) -> UploadPage:
        """Read and check the file and show what applying it would do; write nothing."""
        raise NotImplementedError

    def apply(self, upload, confirmed: dict) -> HttpResponse | UploadPage:
        """Read the held file again and apply it; return the response to send.

        Return an UploadPage instead when the file cannot be applied as
        previewed; whatever was written is then rolled back.
        """
        raise NotImplementedError

    def response(self) -> HttpResponse:
        """GET: the upload form. POST with a file: the preview. POST with a token: apply."""
        if self.request.method != "POST":
            return self.page(UploadPage({}))
        try:
            if "token" in self.request.POST:
                return self.confirm()
            return self.check()
        except UploadRejected as error:
            return self.page(UploadPage({"error": error.message}, status=400))

    def check(self) -> HttpResponse:
        form = self.upload_form(self.request.POST, self.request.FILES)
        self.context["form"] = form
        if not form.is_valid():
            return self.page(UploadPage({}, status=400))
        upload = form.cleaned_data["file"]
        page = self.preview(upload)
        if page.confirm is None:
            return self.page(page)
        return self.page(page, token=_hold(self.request, upload, self.kind))

    def confirm(self) -> HttpResponse:
        form = self.confirm_form(self.request.POST)
        if not form.is_valid():
            raise UploadRejected(_("The confirmation was not valid."))
        token = form.cleaned_data["token"]
        upload = _held(self.request, token, self.kind)
        with transaction.atomic():
            outcome = self.apply(upload, form.cleaned_data)
            if isinstance(outcome, UploadPage):
                transaction.set_rollback(True)
                return self.page(outcome, token=token)
        _release(self.request, token)
        return outcome

    def page(self, page: UploadPage, token: str | None = None) -> HttpResponse:
        context = self.context | page.context
        if page.confirm is not None:
            context["confirm"] = self.confirm_form(
                initial={"token": token, **page.confirm}
            )
        return TemplateResponse(
            self.request, self.template_name, context, status=page.status
        )


def held_files():
    """Where uploads wait for confirmation: settings.STORAGES["held_uploads"].

    The database by default, so that any app server can confirm a preview
    made through another.
    """
    return storages["held_uploads"]


def _hold(request, upload, kind: str) -> str:
    """Keep an upload until it is confirmed; return the token that names it.

    Each user holds at most UPLOAD_HOLDS_PER_USER files: making a new hold
    deletes that user's oldest beyond it, so nobody fills the storage.
    """
    store, folder = held_files(), str(request.user.pk)
    own = sorted(
        (f"{folder}/{name}" for name in store.listdir(folder)[1]),
        key=store.get_modified_time,
    )
    for old in own[: max(len(own) - settings.UPLOAD_HOLDS_PER_USER + 1, 0)]:
        store.delete(old)
    token = secrets.token_urlsafe(16)
    upload.seek(0)
    store.save(_held_name(request, token), ContentFile(upload.read()))
    request.session[f"upload:{token}"] = {"kind": kind, "name": upload.name}
    return token


def clear_expired_holds() -> int:
    """Delete the held uploads older than HOLD_SECONDS; return how many."""
    store = held_files()
    names = [
        f"{folder}/{name}"
        for folder in store.listdir("")[0]
        for name in store.listdir(folder)[1]
    ]
    expired = [name for name in names if _expired(store, name)]
    for name in expired:
        store.delete(name)
    return len(expired)


def _expired(store, name: str) -> bool:
    age = timezone.now() - store.get_modified_time(name)
    return age.total_seconds() > HOLD_SECONDS


def _held_name(request, token: str) -> str:
    return f"{request.user.pk}/{token}.xlsx"


def _held(request, token: str, kind: str) -> SimpleUploadedFile:
    """The upload kept under `token` by this session, as a file to read again."""
    meta = request.session.get(f"upload:{token}")
    store, name = held_files(), _held_name(request, token)
    try:
        if not meta or meta["kind"] != kind or _expired(store, name):
            raise FileNotFoundError(name)
        with store.open(name) as held:
            return SimpleUploadedFile(meta["name"], held.read())
    except FileNotFoundError:
        raise UploadRejected(
            _("The uploaded file is no longer available; upload it again.")
        ) from None


def _release(request, token: str) -> None:
    request.session.pop(f"upload:{token}", None)
    held_files().delete(_held_name(request, token))
