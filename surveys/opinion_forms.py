"""The forms of committee opinions: writing one, HQ's answer, the division's report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from plans.models import Division
from plans.models import Period
from reformtracker.lib.forms import ColonlessForm
from reformtracker.lib.forms import Select
from reformtracker.lib.forms import japanese_text
from reformtracker.lib.labels import item_heading
from surveys.models import Opinion
from surveys.models.opinions import TEXT_LIMIT


def _text(label, help_text="", rows=5):
    return japanese_text(label, help_text=help_text, max_length=TEXT_LIMIT, rows=rows)


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return item_heading(item, item.plan.numbered_items)


class OpinionForm(ColonlessForm):
    """An opinion on the period, or on one of the items it has sheets for."""

    item = ItemChoiceField(
        label=gettext_lazy("Item"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The period as a whole"),
        widget=Select,
    )
    text = _text(gettext_lazy("Opinion"))

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            period.plan.items.filter(sheets__period=period)
            .select_related("plan")
            .order_by("order")
        )


class AnswerForm(ColonlessForm):
    response = _text(
        gettext_lazy("Response"),
        gettext_lazy("The city's response to the opinion (対応方針)."),
    )
    division = forms.ModelChoiceField(
        label=gettext_lazy("Division to act on it"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("None: no action needed"),
        widget=Select,
        help_text=gettext_lazy(
            "It reports what it did on its sheet in the next period, and is told now."
        ),
    )
    public = forms.BooleanField(
        label=gettext_lazy("Publish the opinion and the response with the period"),
        required=False,
    )

    def __init__(self, *args, opinion: Opinion, **kwargs):
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "response": opinion.response,
                "division": opinion.division_id or _lead(opinion),
                "public": opinion.public,
            }
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(
            city_id=opinion.city_id, active=True, collective=False
        ).order_by("name")


def _lead(opinion: Opinion) -> int | None:
    """The item's first named division: the usual one to act on an item's opinion."""
    if opinion.item is None:
        return None
    divisions = [d for d in opinion.item.division_list if not d.collective]
    return divisions[0].pk if divisions else None


class ActionForm(ColonlessForm):
    text = _text(
        gettext_lazy("What your division did"),
        gettext_lazy(
            "Published with the period you report in, if HQ made the opinion public."
        ),
        rows=4,
    )
