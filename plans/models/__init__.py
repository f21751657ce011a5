"""The plan as adopted, one module per part of it.

- scales: the rating scales and their grades;
- plan: the plan and its configuration;
- divisions: the city's divisions, and the history of accounts and groups;
- structure: policy areas, items, responsible divisions, indicators, schedules;
- periods: reporting periods and the indicator values of each.

Everything is imported here: Django loads an app's models from `plans.models`,
the rest of the project imports them from here, and the migrations name
`plans.models.default_sheet_fields`.
"""

from plans.models.divisions import Division
from plans.models.periods import IndicatorValue, Period
from plans.models.plan import Plan, default_sheet_fields
from plans.models.scales import Grade, RatingScale
from plans.models.structure import (
    Indicator,
    Item,
    ItemDivision,
    PolicyArea,
    ScheduleRow,
)

__all__ = [
    "Division",
    "Grade",
    "Indicator",
    "IndicatorValue",
    "Item",
    "ItemDivision",
    "Period",
    "Plan",
    "PolicyArea",
    "RatingScale",
    "ScheduleRow",
    "default_sheet_fields",
]
