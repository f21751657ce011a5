"""The forms of a period: opening it, filtering its queue and HQ's decisions on ticked sheets."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Division
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import next_period
from plans.models import opening_refusal
from reformtracker.lib.forms import ColonlessForm
from reformtracker.lib.forms import Select
from reformtracker.lib.labels import fiscal_year_full
from surveys.forms import note_required_on_return
from surveys.forms import text_field
from surveys.models import SurveySheet


class PeriodForm(ColonlessForm):
    fiscal_year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int)
    half = forms.ChoiceField(label=gettext_lazy("Half"))
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The day divisions must submit their sheets by."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["fiscal_year"].choices = [
            (year, fiscal_year_full(year)) for year in plan.fiscal_years
        ]
        halves = (
            [Period.Half.FIRST, Period.Half.SECOND]
            if plan.cadence == Plan.Cadence.HALF_YEARLY
            else [Period.Half.WHOLE]
        )
        self.fields["half"].choices = [(h.value, h.label) for h in halves]
        if plan.cadence == Plan.Cadence.YEARLY:
            # One period a year: nothing to choose, nothing to call a half.
            self.fields["half"].widget = forms.HiddenInput()
            self.fields["half"].initial = Period.Half.WHOLE
        upcoming = next_period(plan)
        if upcoming:
            self.fields["fiscal_year"].initial, self.fields["half"].initial = upcoming

    def clean_deadline(self) -> datetime.date:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("The deadline cannot be in the past."), code="past")
        return deadline

    def clean(self):
        cleaned = super().clean()
        year, half = cleaned.get("fiscal_year"), cleaned.get("half")
        if (
            year
            and half
            and self.plan.periods.filter(fiscal_year=year, half=half).exists()
        ):
            raise ValidationError(_("This period already exists."), code="exists")
        refusal = year and half and opening_refusal(self.plan, year, half)
        if refusal:
            raise ValidationError(refusal, code="before_published")
        if self.plan.periods.filter(state=Period.State.OPEN).exists():
            raise ValidationError(
                _("This plan already has an open period; publish it first."),
                code="open",
            )
        return cleaned


QUEUE_FILTERS = ("area", "division", "state")


def queue_params(params, *, page: int | str | None = None) -> dict:
    """The queue's filters in `params`, kept from the queue to its sheets and back;
    with `page`, the page of the queue to go back to."""
    kept = {k: params[k] for k in QUEUE_FILTERS if params.get(k)}
    if page and str(page) != "1":
        kept["page"] = str(page)
    return kept


def queue_query(params, *, page: int | str | None = None) -> str:
    """queue_params as a query string."""
    return urlencode(queue_params(params, page=page))


class AreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PolicyArea) -> str:
        return obj.label


class DivisionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return obj.name_i18n


class QueueFilterForm(ColonlessForm):
    area = AreaField(
        label=gettext_lazy("Policy area"),
        queryset=PolicyArea.objects.none(),
        required=False,
        widget=Select,
    )
    division = DivisionField(
        label=gettext_lazy("Division"),
        queryset=Division.objects.none(),
        required=False,
        widget=Select,
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = period.plan.areas.order_by("order")
        self.fields["division"].queryset = period.plan.item_divisions().order_by("name")
        self.fields["state"].choices = [("", "---------"), *SurveySheet.State.choices]

    def filter(self, sheets):
        """The sheets the filters keep, in the queue's order (the plan's, then the
        sheet's id for items given the same place), which its pages follow."""
        sheets = sheets.order_by("item__order", "pk")
        if not self.is_valid():
            return sheets
        if area := self.cleaned_data["area"]:
            sheets = sheets.filter(item__area=area)
        if division := self.cleaned_data["division"]:
            sheets = sheets.filter(item__division_links__division=division)
        if state := self.cleaned_data["state"]:
            sheets = sheets.filter(state=state)
        return sheets


class BulkReviewForm(ColonlessForm):
    """HQ's one decision on the sheets ticked in the queue."""

    ACCEPT, RETURN = "accept", "return"
    HIGHLIGHT, UNHIGHLIGHT = "highlight", "unhighlight"

    sheets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sheets"),
        queryset=SurveySheet.objects.none(),
        error_messages={"required": gettext_lazy("Tick at least one sheet.")},
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), widget=forms.RadioSelect)
    note = text_field(
        gettext_lazy("Note to the divisions (when returning)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheets"].queryset = period.sheets.select_related(
            "item", "period__plan", "division_grade", "hq_grade"
        ).order_by("item__order")
        accept = (
            _("Accept with the division's rating as HQ's")
            if period.plan.second_round
            else _("Accept")
        )
        review = [
            (self.ACCEPT, accept),
            (self.RETURN, _("Return with the note below")),
        ]
        self.fields["action"].choices = [
            *(review if period.is_open else []),
            (
                self.HIGHLIGHT,
                _("Show among the progress report's examples (Reference 1)"),
            ),
            (self.UNHIGHLIGHT, _("Remove from the progress report's examples")),
        ]

    def clean(self):
        note_required_on_return(self, "action", _("Tell the divisions what to fix."))
        return super().clean()
