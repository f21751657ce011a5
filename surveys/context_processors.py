"""What every staff page's header shows: the number of unread notices."""

from functools import cache


def notices(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread() -> int:
        # Counted only when a page shows it: one query, whatever the page.
        return user.notices.filter(read_at__isnull=True).count()

    return {"unread_notices": unread}
