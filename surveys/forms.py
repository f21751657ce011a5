"""The forms of a survey sheet: the division's entry, HQ's review, corrections, replies and uploads."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop
from django.utils.translation import pgettext

from plans.models import Grade
from reformtracker.lib import uploads
from reformtracker.lib.forms import ColonlessForm
from reformtracker.lib.forms import japanese_text
from reformtracker.lib.labels import SHEET_TEXTS
from reformtracker.lib.labels import japanese
from reformtracker.lib.labels import own
from reformtracker.lib.labels import period_label
from surveys.models import SurveySheet

TEXT_LIMIT = 10_000
ACTUAL_LIMIT = 1000

# The division's fields of a sheet, as the form and the Excel import name them.
SHEET_LABELS = {
    **{text.field: text.label for text in SHEET_TEXTS},
    "division_grade": gettext_lazy("Division's rating"),
    "division_reason": gettext_lazy("Reason for the rating"),
}


def division_fields(plan) -> list[str]:
    """The sheet's own fields a division fills in this plan, in the app or in Excel.

    The plan's texts, and one rating with its reason unless the plan rates each
    schedule row (those statuses are fields of their own; the item's status
    is one too if the plan has the division give it).
    """
    names = [name for name, _label in plan.text_fields]
    if not plan.rates_schedule_rows:
        names += ["division_grade", "division_reason"]
    elif plan.division_sets_item_status:
        names += ["division_grade"]
    return names


class TextField(forms.CharField):
    """A sheet's text, its line breaks stored as LF whatever the browser sent
    (CRLF), so that every export and comparison sees the same text."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def text_field(label: str, **kwargs) -> forms.CharField:
    # What a division writes is the plan's record, in Japanese.
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6, "lang": "ja"}))
    return TextField(label=label, required=False, max_length=TEXT_LIMIT, **kwargs)


def grade_label(grade: Grade) -> str:
    """A grade as a choice: its code and label, "S 予定以上に進捗"."""
    return format_html("{} {}", grade.code, own(grade, "label"))


class GradeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Grade) -> str:
        return grade_label(obj)


def _grade_field(sheet: SurveySheet, label: str) -> forms.ModelChoiceField:
    return GradeField(
        label=label,
        queryset=sheet.period.plan.rating_scale.grades.order_by("order"),
        required=False,
        widget=forms.RadioSelect,
        blank=True,
        empty_label=gettext_lazy("Not rated"),
    )


def _check_reason(form: forms.Form, grade_field: str, reason_field: str) -> None:
    """A rating needs a reason when its grade says so; no rating needs a comment."""
    grade = form.cleaned_data.get(grade_field)
    reason = form.cleaned_data.get(reason_field, "")
    if grade and grade.reason_required and not reason:
        form.add_error(
            reason_field,
            ValidationError(
                _("Rating %(grade)s needs a reason."),
                code="reason_required",
                params={"grade": grade.code},
            ),
        )
    if not grade and not reason:
        form.add_error(
            grade_field,
            ValidationError(
                _("Choose a rating, or explain in the reason why there is none."),
                code="rating_required",
            ),
        )


def own_field(sheet: SurveySheet, name: str) -> forms.Field:
    """The form field of one of the sheet's own fields, under the plan's words."""
    plan = sheet.period.plan
    texts = {text.field: (text, label) for text, label in plan.sheet_texts()}
    if name in texts:
        text, label = texts[name]
        return text_field(japanese(label) or text.label)
    if name == "division_grade":
        if plan.rates_schedule_rows:
            return _grade_field(sheet, _("Status of the item as a whole"))
        return _grade_field(
            sheet, SHEET_LABELS["division_grade"] if plan.second_round else _("Rating")
        )
    if name == "division_reason":
        return text_field(own(plan, "reason_label") or SHEET_LABELS["division_reason"])
    if name == "hq_grade":
        return _grade_field(sheet, _("HQ's rating"))
    if name == "hq_reason":
        return text_field(_("Reason for HQ's rating"))
    raise KeyError(name)


def _actual_field(indicator) -> forms.CharField:
    """The period's actual of an indicator, with its baseline and target as help."""
    return forms.CharField(
        label=japanese(f"{indicator.marker}{indicator.name}"),
        required=False,
        max_length=ACTUAL_LIMIT,
        # Django writes help text as HTML: the city's words are escaped.
        help_text=format_html(
            _("Baseline {baseline}, target {target}"),
            baseline=japanese(indicator.baseline_text) or "—",
            target=japanese(indicator.target_text) or "—",
        ),
    )


class CorrectionForm(ColonlessForm):
    """The corrected values of a published sheet, written before HQ publishes them."""

    def __init__(self, *args, correction, fields: list[str], **kwargs):
        super().__init__(*args, initial=dict(correction.values), **kwargs)
        for name in fields:
            self.fields[name] = own_field(correction.sheet, name)

    def values(self) -> dict:
        """The values as a correction keeps them: grades by id."""
        return {
            name: value.pk if isinstance(value, Grade) else value
            for name, value in self.cleaned_data.items()
        }


class SheetForm(ColonlessForm):
    """The division's part of a sheet: P, D, A, its rating and the indicator actuals."""

    SAVE, SUBMIT = "save", "submit"

    version = forms.IntegerField(widget=forms.HiddenInput)
    copied_checked = forms.BooleanField(
        label=gettext_lazy(
            "I checked the text that is the same as last period's, and it still holds."
        ),
        required=False,
    )

    # The division's texts compared with the previous period's before submitting
    # (P is carried from the previous A on purpose).
    COMPARED = ("done_text", "next_text", "division_reason")

    def __init__(self, *args, sheet: SurveySheet, indicator_values: list, **kwargs):
        initial = {
            "version": sheet.version,
            "plan_text": sheet.plan_text,
            "done_text": sheet.done_text,
            "next_text": sheet.next_text,
            "division_grade": sheet.division_grade_id,
            "division_reason": sheet.division_reason,
            **{f"actual_{v.pk}": v.text for v in indicator_values},
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.sheet = sheet
        self.previous = sheet.previous()
        self.copied = []
        fiscal_year = sheet.period.fiscal_year
        # What the plan's schedule says for the period's year, to write against.
        self.year_schedule = [
            (row.activity, row.word_for(fiscal_year))
            for row in sheet.item.schedule_rows.order_by("order")
            if row.word_for(fiscal_year)
        ]
        plan = sheet.period.plan
        # Only the texts the plan uses, under the plan's labels.
        self.texts = [name for name, _label in plan.text_fields]
        for name in self.texts:
            self.fields[name] = own_field(sheet, name)
        self.texts_before_rating = [n for n in self.texts if n != "next_text"]
        self.texts_after_rating = [n for n in self.texts if n == "next_text"]
        self.status_rows = []
        if plan.rates_schedule_rows:
            self.add_status_fields()
            if plan.division_sets_item_status:
                self.fields["division_grade"] = own_field(sheet, "division_grade")
        else:
            self.fields["division_grade"] = own_field(sheet, "division_grade")
            self.fields["division_reason"] = own_field(sheet, "division_reason")
        self.indicator_fields = []
        for value in indicator_values:
            name = f"actual_{value.pk}"
            self.fields[name] = _actual_field(value.indicator)
            self.indicator_fields.append(name)

    def add_status_fields(self) -> None:
        """A status and its reason for each row of the schedule, instead of one rating."""
        sheet = self.sheet
        plan = sheet.period.plan
        statuses = {s.schedule_row_id: s for s in sheet.statuses.all()}
        for row in sheet.item.schedule_rows.all():
            status = statuses.get(row.pk)
            grade_name, reason_name = f"status_{row.pk}", f"status_reason_{row.pk}"
            self.fields[grade_name] = _grade_field(
                sheet, japanese(row.label_for(sheet.period.fiscal_year))
            )
            self.fields[reason_name] = text_field(
                own(plan, "reason_label") or SHEET_LABELS["division_reason"]
            )
            self.fields[reason_name].widget.attrs["rows"] = 2
            self.initial[grade_name] = status.grade_id if status else None
            self.initial[reason_name] = status.reason if status else ""
            self.status_rows.append((row, grade_name, reason_name))

    @property
    def submitting(self) -> bool:
        """Which button was pressed: 保存 (save a draft) or 提出 (submit)."""
        return self.data.get("action") == self.SUBMIT

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            # The sheet's main text: what was done, or the plan's only narrative.
            main = "done_text" if "done_text" in self.texts else self.texts[0]
            if not cleaned.get(main):
                self.add_error(
                    main,
                    ValidationError(
                        _("Write what was done before submitting."), code="required"
                    ),
                )
            if self.status_rows:
                for _row, grade_name, reason_name in self.status_rows:
                    _check_reason(self, grade_name, reason_name)
            else:
                _check_reason(self, "division_grade", "division_reason")
            self._check_copied(cleaned)
        return cleaned

    def _check_copied(self, cleaned: dict) -> None:
        """Text submitted exactly as last period's needs the division's word."""
        if self.previous is None:
            return
        self.copied = [
            self[name].label
            for name in self.COMPARED
            if name in self.fields
            and (cleaned.get(name) or "").strip()
            and cleaned[name].strip() == getattr(self.previous, name).strip()
        ]
        if self.copied and not cleaned.get("copied_checked"):
            self.add_error(
                "copied_checked",
                ValidationError(
                    _(
                        "%(fields)s is word for word what %(period)s said. Check that "
                        "it still holds, tick the box and submit again."
                    ),
                    code="copied",
                    params={
                        "fields": pgettext("list separator", ", ").join(
                            strip_tags(str(label)) for label in self.copied
                        ),
                        "period": period_label(self.previous.period),
                    },
                ),
            )

    @classmethod
    def submission_of(cls, sheet: SurveySheet) -> SheetForm:
        """The sheet as saved, submitted through the form: the same checks."""
        values = sheet.actual_values()
        unbound = cls(sheet=sheet, indicator_values=values)
        data = {**unbound.initial, "action": cls.SUBMIT}
        data = {name: value for name, value in data.items() if value is not None}
        return cls(data, sheet=sheet, indicator_values=values)

    def fill(self, by) -> None:
        """Save the valid form to its sheet (SurveySheet.fill decides what is allowed)."""
        self.sheet.fill(
            by=by,
            version=self.cleaned_data["version"],
            fields=self.sheet_fields(),
            actuals=self.actuals(),
            statuses=self.statuses(),
            submit=self.submitting,
        )

    def sheet_fields_names(self) -> list[str]:
        """The sheet's own fields this form edits."""
        return division_fields(self.sheet.period.plan)

    def sheet_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.sheet_fields_names()}

    def statuses(self) -> dict[int, tuple]:
        return {
            row.pk: (self.cleaned_data[grade], self.cleaned_data[reason])
            for row, grade, reason in self.status_rows
        }

    def actuals(self) -> dict[int, str]:
        return {
            int(name.removeprefix("actual_")): self.cleaned_data[name]
            for name in self.indicator_fields
        }


class ReviewForm(ColonlessForm):
    """HQ's decision on a submitted sheet: accept with a rating, or return with a note."""

    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (ACCEPT, gettext_lazy("Accept with the rating below")),
            (RETURN, gettext_lazy("Return to the division with a note")),
        ],
        widget=forms.RadioSelect,
    )
    hq_reason = text_field(gettext_lazy("Reason for HQ's rating"))
    note = text_field(gettext_lazy("Note to the division (when returning)"))

    NOT_RATED = "none"

    def __init__(self, *args, sheet: SurveySheet, **kwargs):
        # HQ's own rating is never preselected from the division's: HQ chooses.
        initial = {"hq_grade": sheet.hq_grade_id, "hq_reason": sheet.hq_reason}
        super().__init__(*args, initial=initial, **kwargs)
        self.second_round = sheet.period.plan.second_round
        if self.second_round:
            self.grades = {
                str(g.pk): g
                for g in sheet.period.plan.rating_scale.grades.order_by("order")
            }
            self.fields["hq_grade"] = forms.ChoiceField(
                label=_("HQ's rating"),
                choices=[
                    (pk, _marked_if_division(grade, sheet))
                    for pk, grade in self.grades.items()
                ]
                + [(self.NOT_RATED, _("Not rated"))],
                widget=forms.RadioSelect,
                required=False,
            )
            self.order_fields(["decision", "hq_grade", "hq_reason", "note"])
        else:
            # A single round: HQ accepts the division's rating or returns the sheet.
            del self.fields["hq_reason"]
            self.fields["decision"].choices = [
                (self.ACCEPT, _("Accept")),
                (self.RETURN, _("Return to the division with a note")),
            ]

    def clean(self):
        cleaned = super().clean()
        note_required_on_return(self, "decision", _("Tell the division what to fix."))
        if cleaned.get("decision") == self.ACCEPT and self.second_round:
            if not cleaned.get("hq_grade"):
                self.add_error(
                    "hq_grade",
                    ValidationError(
                        _("Choose HQ's rating, or “Not rated”."), code="required"
                    ),
                )
                return cleaned
            cleaned["hq_grade"] = self.grades.get(cleaned["hq_grade"])
            _check_reason(self, "hq_grade", "hq_reason")
        return cleaned


def note_required_on_return(form: forms.Form, choice: str, message: str) -> None:
    """A return without a note tells nobody what to fix: refuse it."""
    data = form.cleaned_data
    if data.get(choice) == form.RETURN and not data.get("note"):
        form.add_error("note", ValidationError(message, code="required"))


def _marked_if_division(grade: Grade, sheet: SurveySheet) -> str:
    """The grade's label, saying so when it is the division's own rating."""
    if grade.pk == sheet.division_grade_id:
        return format_html(
            _("{grade} (the division's rating)"), grade=grade_label(grade)
        )
    return grade_label(grade)


def _note(label: str, help_text: str = "") -> forms.CharField:
    """A correction's note or a reply: three rows, at most the 2,000 characters
    their models keep."""
    return japanese_text(label, help_text=help_text, max_length=2000, rows=3)


class ReopenForm(ColonlessForm):
    note = _note(
        gettext_lazy("Why it needs correcting"),
        help_text=gettext_lazy("Shown to the public with the correction."),
    )


class ReplyForm(ColonlessForm):
    text = _note(gettext_lazy("Reply to HQ"))


class ContributionForm(ColonlessForm):
    text = japanese_text(
        gettext_lazy("Your division's part"),
        help_text=gettext_lazy("The lead division sees it while filling the sheet."),
        max_length=4000,
        rows=4,
    )


class SheetUploadForm(ColonlessForm):
    file = forms.FileField(
        label=gettext_lazy("Filled-in workbook (.xlsx)"),
        help_text=gettext_lazy(
            "The workbook downloaded for this period, with the yellow cells filled in."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class UploadConfirmForm(uploads.ConfirmForm):
    """Confirms a previewed upload: the held file's token and the sheets it will save."""

    sheets = forms.CharField(widget=forms.HiddenInput)


# Django's Japanese catalogue renders this as 「何か文字を入力してください。」, which does
# not say what is wrong; listed here so that ours, which says why, is kept.
gettext_noop("Null characters are not allowed.")
