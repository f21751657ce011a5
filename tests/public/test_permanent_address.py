"""An item's permanent address, by its key: it survives renumbering."""

from __future__ import annotations

from django.urls import reverse

from plans import workbook
from tests.factories import make_plan
from tests.html import soup
from tests.plans.test_stable_keys import preview_and_confirm
from tests.plans.test_stable_keys import renumber_1_and_3
from tests.plans.test_workbook import edited


def key_url(plan, key: str) -> str:
    return reverse("public:item_key", args=[plan.city.slug, plan.pk, key])


def test_the_key_address_moves_permanently_to_the_item_page(client, seed_plan):
    item = seed_plan.items.get(number="1")
    response = client.get(key_url(seed_plan, item.key))
    assert response.status_code == 301
    assert response["Location"] == item.get_absolute_url()


def test_the_key_address_follows_the_item_when_it_is_renumbered(
    client, administrator, seed_plan
):
    item = seed_plan.items.get(number="1")
    address = item.get_permanent_url()
    preview_and_confirm(
        client,
        administrator,
        edited(workbook.export_plan(seed_plan), renumber_1_and_3),
    )
    client.logout()

    response = client.get(address, follow=True)

    assert response.redirect_chain == [
        (reverse("public:item", args=["kodaira", seed_plan.pk, "3"]), 301)
    ]
    assert soup(response).h1.get_text(strip=True) == "No.3 協働推進体制の充実"


def test_an_unknown_key_is_not_found(client, seed_plan):
    assert client.get(key_url(seed_plan, "0123456789")).status_code == 404


def test_another_plans_key_is_not_found_under_this_plan(client, seed_plan):
    other = make_plan(city="小平市", name="別のプラン").items.get(number="1")
    assert client.get(key_url(seed_plan, other.key)).status_code == 404


def test_another_citys_key_is_not_found_under_this_plan(
    client, seed_plan, second_city_plan
):
    other = second_city_plan.items.get(number="1")
    assert client.get(key_url(seed_plan, other.key)).status_code == 404


def test_the_item_page_gives_the_key_address_as_its_permanent_address(
    client, seed_plan
):
    item = seed_plan.items.get(number="1")
    line = soup(client.get(item.get_absolute_url())).select_one(".permalink")
    assert line.a["href"] == key_url(seed_plan, item.key)
    assert line.a.get_text() == f"http://testserver{key_url(seed_plan, item.key)}"
