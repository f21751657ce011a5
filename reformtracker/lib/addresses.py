"""The client's address as the site's own proxies report it, for the login lockout.

Each of the PROXY_COUNT proxies in front of the app appends the address it
was reached from to X-Forwarded-For, so the client is the PROXY_COUNT-th entry
from the right; anything left of it was written by the client and is not
trusted. django-ipware counts only the proxies listed in the header and
returns nothing for a header of one entry, which is what one proxy sends.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address the nearest untrusted hop connected from; REMOTE_ADDR without proxies."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if not count:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
