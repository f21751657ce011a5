"""Keeping staff pages out of browser and proxy caches.

Only what a citizen sees may be stored: the public pages requested by
somebody not logged in. Everything else (the workflow, the admin, the login
and password pages, reports and workbooks downloaded by staff) is sent with
Cache-Control: private, no-store, so that a shared computer's back button or a
city's proxy never shows one person's sheets to another.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

PUBLIC_NAMESPACE = "public"


def is_public(request) -> bool:
    match = getattr(request, "resolver_match", None)
    anonymous = not getattr(request, "user", None) or not request.user.is_authenticated
    return bool(match) and PUBLIC_NAMESPACE in match.namespaces and anonymous


class PrivateUnlessPublicMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_public(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
