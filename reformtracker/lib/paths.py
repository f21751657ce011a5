"""The first path segments the site uses for itself, which no city slug may take.

A city lives at /<slug>/, tried after every other address of the URL
configuration: a city with the slug "admin" or "en" would never be reached,
its public pages hidden behind the admin or the English site.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import URLResolver
from django.urls import get_resolver
from django.urls.resolvers import LocalePrefixPattern

# Served before the URL configuration is asked: static files by WhiteNoise,
# uploads by the web server in front of the site.
SERVED_OUTSIDE_URLCONF = ("static", "media")

LITERAL_SEGMENT = re.compile(r"[-\w.]+")


def reserved_first_segments() -> frozenset[str]:
    """Every literal first segment of the site's paths, language prefixes included."""
    segments = set(_literal_heads(get_resolver().url_patterns))
    segments.update(code for code, _name in settings.LANGUAGES)
    segments.update(SERVED_OUTSIDE_URLCONF)
    segments.update(_head(url) for url in (settings.STATIC_URL, settings.MEDIA_URL))
    segments.discard("")
    return frozenset(segments)


def _literal_heads(patterns) -> set[str]:
    """The first segments of `patterns`, looking into includes that add no segment."""
    heads = set()
    for pattern in patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            route = ""
        else:
            route = str(pattern.pattern).lstrip("^")
        head = _head(route)
        if not head and isinstance(pattern, URLResolver):
            heads |= _literal_heads(pattern.url_patterns)
        elif LITERAL_SEGMENT.fullmatch(head):
            heads.add(head)
    return heads


def _head(path: str | None) -> str:
    return (path or "").lstrip("/").split("/")[0]
