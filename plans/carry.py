"""Plans follow plans: carrying items of one plan over into the next."""

from __future__ import annotations

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from plans.models import Item
from plans.models import ItemDivision
from plans.models import Plan
from plans.models import PolicyArea


@transaction.atomic
def carry_over(item: Item, *, into: Plan, area: PolicyArea, number: str) -> Item:
    """A follow-up (フォローアップ) of `item` in the plan `into`, linked to it.

    Title, purpose, content and divisions are copied; indicators and the
    schedule are the new plan's to set.
    """
    if area.plan_id != into.pk:
        raise ValueError("the area must belong to the new plan")
    if item.plan_id == into.pk:
        raise ValueError("an item is carried over into another plan")
    order = (
        into.items.order_by("-order").values_list("order", flat=True).first() or 0
    ) + 1
    new = Item.objects.create(
        plan=into,
        area=area,
        number=number,
        title=item.title,
        purpose=item.purpose,
        content=item.content,
        is_follow_up=True,
        carried_from=item,
        order=order,
    )
    bulk_create_with_history(
        [
            ItemDivision(item=new, division_id=link.division_id, order=link.order)
            for link in item.division_links.all()
        ],
        ItemDivision,
    )
    return new
