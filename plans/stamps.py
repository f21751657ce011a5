"""When what the public pages show of a plan last changed.

Every cached public page is keyed on its plan's `public_changed_at` (the
pages of a city or of every city on the latest of their plans'), so setting
it is what invalidates them: a cached copy made before is never served again,
by any server process. It is set here only:

- by `changed`, which the write paths that bypass model signals call (the
  plan workbook import writes rows in bulk);
- by `watch`, on every save and delete of a model the public pages show,
  whichever way it is written (the workflow, corrections, the admin).

A stamp too many costs one page render; a stamp missed shows citizens old
data, so a model is watched whole rather than guessed field by field.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.db.models.signals import post_save
from django.utils import timezone

from plans.models import City
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow


def changed(plans: QuerySet[Plan]) -> None:
    """The public pages of these plans changed: no cached copy of them is served again.

    Nor of the plans their items continue or are continued by: an item's page
    shows the ratings of every plan of its lineage.
    """
    ids = set(plans.values_list("pk", flat=True))
    if ids:
        Plan.objects.filter(pk__in=ids | lineage_plans(ids)).update(
            public_changed_at=timezone.now()
        )


def lineage_plans(ids: set[int]) -> set[int]:
    """The plans linked to these by carried-over items, however far (one query).

    Items are carried between plans of one city, so only its links are read.
    """
    links = (
        Item.objects.filter(plan__city__plans__in=ids, carried_from__isnull=False)
        .values_list("plan_id", "carried_from__plan_id")
        .distinct()
    )
    neighbours: dict[int, set[int]] = {}
    for later, earlier in links:
        neighbours.setdefault(later, set()).add(earlier)
        neighbours.setdefault(earlier, set()).add(later)
    found, pending = set(ids), list(ids)
    while pending:
        for plan in neighbours.get(pending.pop(), ()):
            if plan not in found:
                found.add(plan)
                pending.append(plan)
    return found - ids


def watch(model: type[Model], plans_of: Callable[[Model], QuerySet[Plan]]) -> None:
    """Stamp the plans `plans_of(instance)` each time an instance is saved or deleted."""

    def stamp(sender, instance, **kwargs):
        changed(plans_of(instance))

    uid = f"plans.stamps:{model._meta.label}"
    post_save.connect(stamp, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(stamp, sender=model, weak=False, dispatch_uid=uid)


def watch_plans() -> None:
    """The plan as adopted: its structure and what is shared with other plans."""
    plans = Plan.objects
    watch(Plan, lambda plan: plans.filter(pk=plan.pk))
    watch(City, lambda city: plans.filter(city=city.pk))
    watch(RatingScale, lambda scale: plans.filter(rating_scale=scale.pk))
    watch(Grade, lambda grade: plans.filter(rating_scale=grade.scale_id))
    watch(Division, lambda division: plans.filter(city=division.city_id))
    for model in (PolicyArea, Period):
        watch(model, lambda row: plans.filter(pk=row.plan_id))
    # Its link to the item it continues may have moved: the lineage it left
    # is found no more, so every plan of the city is stamped.
    watch(Item, lambda item: plans.filter(city__plans=item.plan_id))
    for model in (ItemDivision, Indicator, ScheduleRow):
        watch(model, lambda row: plans.filter(items=row.item_id))
    # Divisions enter values while a period is open; only published ones show.
    watch(
        IndicatorValue,
        lambda value: plans.filter(
            periods=value.period_id, periods__state=Period.State.PUBLISHED
        ),
    )
