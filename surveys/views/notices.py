"""/surveys/notices/: what the app told the person, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone


@login_required
def notices(request):
    mine = request.user.notices.select_related("period__plan")
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    unread = [notice.pk for notice in page if notice.read_at is None]
    response = render(
        request, "surveys/notices.html", {"page": page, "unread": set(unread)}
    )
    # Shown, hence read: the header's count drops on the next page.
    request.user.notices.filter(pk__in=unread).update(read_at=timezone.now())
    return response
