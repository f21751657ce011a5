"""The plan as adopted, one module per part of it.

- cities: the cities, which own everything else, and their people's roles;
- scales: the rating scales and their grades;
- plan: the plan and its configuration;
- divisions: the city's divisions, and the history of accounts and groups;
- structure: policy areas, items and their responsible divisions;
- indicators and schedules: what an item is measured by and its schedule per year;
- periods: reporting periods and the indicator values of each.

Everything is imported here: Django loads an app's models from `plans.models`,
the rest of the project imports them from here, and the migrations name
`plans.models.default_sheet_fields`.
"""

from plans.models.cities import City
from plans.models.cities import Membership
from plans.models.divisions import Division
from plans.models.indicators import Indicator
from plans.models.periods import IndicatorValue
from plans.models.periods import Period
from plans.models.periods import next_period
from plans.models.periods import opening_refusal
from plans.models.plan import Plan
from plans.models.plan import default_sheet_fields
from plans.models.scales import Grade
from plans.models.scales import RatingScale
from plans.models.schedules import ScheduleRow
from plans.models.structure import Item
from plans.models.structure import ItemDivision
from plans.models.structure import PolicyArea

__all__ = [
    "City",
    "Division",
    "Grade",
    "Indicator",
    "IndicatorValue",
    "Item",
    "ItemDivision",
    "Membership",
    "Period",
    "Plan",
    "PolicyArea",
    "RatingScale",
    "ScheduleRow",
    "next_period",
    "opening_refusal",
    "default_sheet_fields",
]
