from django.http import QueryDict

from reformtracker.lib.paging import PER_PAGE
from reformtracker.lib.paging import page_of
from reformtracker.lib.paging import paged


def test_the_links_keep_the_other_parameters():
    pager = paged(range(3 * PER_PAGE), QueryDict("state=draft&page=2&past=4"))
    assert list(pager.page) == list(range(PER_PAGE, 2 * PER_PAGE))
    assert QueryDict(pager.previous) == QueryDict("state=draft&page=1&past=4")
    assert QueryDict(pager.next) == QueryDict("state=draft&page=3&past=4")


def test_the_first_page_links_only_forward():
    pager = paged(range(2 * PER_PAGE), QueryDict(""))
    assert (pager.first, pager.previous) == (None, None)
    assert (pager.next, pager.last) == ("page=2", "page=2")


def test_each_list_has_its_own_key():
    pager = paged(range(2 * PER_PAGE), QueryDict("page=2"), key="past")
    assert pager.page.number == 1
    assert QueryDict(pager.next) == QueryDict("page=2&past=2")


def test_the_page_of_a_position():
    assert [page_of(0), page_of(PER_PAGE - 1), page_of(PER_PAGE)] == [1, 1, 2]
