"""English names beside a plan's Japanese ones (django-modeltrans): stored, never in place of them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import override

from plans.models import Division
from plans.models import Item


def test_an_english_title_is_kept_beside_the_japanese_one(seed_plan):
    item = Item.objects.get(plan=seed_plan, number="2")
    key, title = item.key, item.title
    item.title_en = "Promoting joint projects"
    item.save()
    item.refresh_from_db()
    assert (item.key, item.title) == (key, title)
    with override("en"):
        assert item.title_i18n == "Promoting joint projects"
    with override("ja"):
        assert item.title_i18n == title
    # Without English, English pages fall back to the Japanese.
    other = Item.objects.get(plan=seed_plan, number="3")
    with override("en"):
        assert other.title_i18n == other.title


def test_the_admin_edits_a_division_s_english_name_and_keeps_it_in_history(
    client, administrator, seed_plan
):
    division = Division.objects.get(city=seed_plan.city, name="財政課")
    client.force_login(administrator)
    url = reverse("admin:plans_division_change", args=[division.pk])
    form = client.get(url).content.decode()
    assert 'name="name_en"' in form
    assert 'name="name_ja"' not in form and 'name="name_i18n"' not in form
    response = client.post(
        url,
        {
            "city": division.city_id,
            "name": "財政課",
            "name_en": "Finance Division",
            "former_names": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    division.refresh_from_db()
    assert (division.name, division.name_en) == ("財政課", "Finance Division")
    assert division.history.first().i18n == {"name_en": "Finance Division"}
