"""Public pages kept in Django's cache and revalidated by browsers and proxies.

A public page changes only when what its plan shows changes, and then
plans.stamps moves the plan's `public_changed_at`. Each request reads that
stamp (one query) and makes from it, the address and the language the page's
version: the key of the cached copy, its ETag and Last-Modified. So:

- a browser or a city's proxy asking again with If-None-Match gets 304 with
  nothing rendered;
- a copy cached before the plan changed is never served again, even from a
  local-memory cache of another server process;
- a page of a city, or of every city, goes by the latest of its plans' stamps
  and by how many plans there are.

Only anonymous GET and HEAD requests to the `public` URL namespace take part
(reformtracker.lib.caching keeps every other response out of caches), and only
a 200 response that sets no cookie and shows no message is stored. Every view
of the namespace is covered by its URL's `city` and `plan_id`, with no edit to
the view. The inline style's CSP nonce is put back fresh in each copy served.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models import Max
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from plans.models import Plan
from reformtracker.lib.caching import is_public

# Where the nonce of the render was, in the stored copy: never in a page's text.
NONCE = b"\x00csp-nonce\x00"
STORED_HEADERS = ("Content-Type", "Content-Disposition")


@dataclass(frozen=True)
class Version:
    """One version of one public page: what it is cached and revalidated by."""

    key: str
    changed_at: datetime.datetime | None

    @property
    def etag(self) -> str:
        return f'"{self.key}"'

    @property
    def timestamp(self) -> int | None:
        return int(self.changed_at.timestamp()) if self.changed_at else None


def plan_stamp(kwargs: dict) -> tuple[str, datetime.datetime | None] | None:
    """What the page's plans' stamps say of it; None for a plan that does not exist."""
    plans = Plan.objects.order_by()  # one stamp or an aggregate: no join to sort
    if "city" in kwargs:
        plans = plans.filter(city__slug=kwargs["city"])
    if "plan_id" in kwargs:
        stamp = plans.filter(pk=kwargs["plan_id"]).values_list(
            "public_changed_at", flat=True
        )[:1]
        return (stamp[0].isoformat(), stamp[0]) if stamp else None
    found = plans.aggregate(latest=Max("public_changed_at"), count=Count("pk"))
    latest = found["latest"]
    return f"{latest and latest.isoformat()}/{found['count']}", latest


def page_version(request, kwargs: dict) -> Version | None:
    stamp = plan_stamp(kwargs)
    if stamp is None:
        return None
    text, changed_at = stamp
    parts = (text, request.get_host(), request.LANGUAGE_CODE, request.get_full_path())
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return Version(key=key, changed_at=changed_at)


def takes_part(request) -> bool:
    """An anonymous reading of a public page, by somebody with no session or message."""
    return (
        settings.PUBLIC_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and is_public(request)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def storable(request, response) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (messages and (messages.used or messages._queued_messages))
    )


def store(request, response, version: Version) -> None:
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        content = content.replace(nonce.encode(), NONCE)
    headers = {name: response[name] for name in STORED_HEADERS if name in response}
    cache.set(
        f"public-page:{version.key}",
        {"content": content, "headers": headers},
        settings.PUBLIC_CACHE_SECONDS,
    )


def cached(request, version: Version) -> HttpResponse | None:
    stored = cache.get(f"public-page:{version.key}")
    if stored is None:
        return None
    content = stored["content"]
    if NONCE in content:
        content = content.replace(NONCE, str(request.csp_nonce).encode())
    return HttpResponse(content, headers=stored["headers"])


def not_modified(request, version: Version) -> HttpResponse | None:
    response = get_conditional_response(
        request, etag=version.etag, last_modified=version.timestamp
    )
    if response is None or response.status_code != 304:
        return None
    # A proxy takes a 304's headers into its copy: the copy's CSP, with the
    # nonce of its body, must stay.
    response._csp_exempt = True
    return response


def mark(response, version: Version) -> None:
    """Headers a browser or proxy revalidates by; it asks each time (no-cache)."""
    response["ETag"] = version.etag
    if version.changed_at:
        response["Last-Modified"] = http_date(version.timestamp)
    patch_cache_control(response, public=True, no_cache=True)


class PublicCacheMiddleware:
    """After authentication and messages: it needs to know who asks, and what they see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        version = getattr(request, "public_page", None)
        if version is None or response.status_code not in (200, 304):
            return response
        if not getattr(request, "public_page_cached", False) and storable(
            request, response
        ):
            store(request, response, version)
        mark(response, version)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not takes_part(request):
            return None
        version = page_version(request, view_kwargs)
        if version is None:
            return None
        request.public_page = version
        response = not_modified(request, version) or cached(request, version)
        request.public_page_cached = response is not None
        return response
