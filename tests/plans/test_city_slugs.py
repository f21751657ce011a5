"""A city's slug cannot take a first path segment the site uses for itself."""

import pytest
from django.urls import reverse

from plans.models import City
from reformtracker.lib.paths import reserved_first_segments

SITE_SEGMENTS = [
    "plans",
    "accessibility",
    "surveys",
    "admin",
    "accounts",
    "i18n",
    "en",
    "static",
    "media",
]
# The city page's membership inline, left empty.
EMPTY_MEMBERSHIPS = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
}


def test_the_reserved_segments_come_from_the_url_configuration():
    assert reserved_first_segments() >= set(SITE_SEGMENTS)
    assert "kodaira" not in reserved_first_segments()


@pytest.mark.parametrize("slug", SITE_SEGMENTS)
def test_a_new_city_cannot_take_a_path_of_the_site(client, administrator, slug):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:plans_city_add"),
        {"name": "東大和市", "slug": slug, **EMPTY_MEMBERSHIPS},
    )
    assert response.status_code == 200
    assert f"「{slug}」はこのサイト自身のアドレス" in response.content.decode()
    assert not City.objects.filter(name="東大和市").exists()


def test_a_city_cannot_be_renamed_to_a_path_of_the_site(client, administrator):
    client.force_login(administrator)
    kodaira = City.objects.get(slug="kodaira")
    response = client.post(
        reverse("admin:plans_city_change", args=[kodaira.pk]),
        {"name": kodaira.name, "slug": "Admin", **EMPTY_MEMBERSHIPS},
    )
    assert response.status_code == 200
    assert "このサイト自身のアドレス" in response.content.decode()
    kodaira.refresh_from_db()
    assert kodaira.slug == "kodaira"


def test_a_city_takes_a_slug_of_its_own(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:plans_city_add"),
        {"name": "東大和市", "slug": "higashiyamato", **EMPTY_MEMBERSHIPS},
    )
    assert response.status_code == 302
    assert City.objects.get(name="東大和市").slug == "higashiyamato"
