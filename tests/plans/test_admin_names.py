"""The admin in Japanese names the product, each model once, and says 変更 for Change."""

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import pgettext


def admin_index(client, administrator) -> BeautifulSoup:
    client.force_login(administrator)
    response = client.get(reverse("admin:index"), headers={"accept-language": "ja"})
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


# Held in a name, so that makemessages does not take it into our catalogue.
CHANGE = "Change"


def test_our_kind_of_change_does_not_override_the_admins_change():
    with translation.override("ja"):
        assert gettext(CHANGE) == "変更"
        assert pgettext("kind of change", CHANGE) == "変更の種類"


def test_the_admin_is_titled_with_the_product_and_says_change(client, administrator):
    page = admin_index(client, administrator)
    assert "Django" not in page.title.get_text()
    assert "ReformTracker 管理" in page.title.get_text()
    assert "ReformTracker 管理" in page.select_one("#site-name").get_text()
    change_links = [a.get_text(strip=True) for a in page.select("a.changelink")]
    assert change_links and set(change_links) == {"変更"}


def test_each_model_is_listed_once_by_a_japanese_name(client, administrator):
    page = admin_index(client, administrator)
    names = [th.get_text(strip=True) for th in page.select("table th[scope=row]")]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert "所管課" in names and "取組項目の所管課" in names
    assert {"ログインの試行", "ログインの失敗", "ログインの記録"} <= set(names)
    sections = [c.get_text(strip=True) for c in page.select("table caption")]
    assert "ログインのロック" in sections
    assert not [name for name in names if name.isascii()], "a model named in English"
