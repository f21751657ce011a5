"""E-mail to divisions: a returned sheet, and sheets still missing before a deadline."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def _member_addresses(divisions: Iterable) -> list[str]:
    return sorted(
        {
            user.email
            for division in divisions
            for user in division.members.all()
            if user.email and user.is_active
        }
    )


def send_returned_notice(sheet) -> int:
    """Tell the sheet's divisions that HQ returned it, with HQ's note."""
    divisions = [link.division for link in sheet.item.division_links.all()]
    recipients = _member_addresses(divisions)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"sheet": sheet, "site_url": settings.SITE_URL}
        subject = render_to_string("surveys/mail/returned_subject.txt", context).strip()
        body = render_to_string("surveys/mail/returned_body.txt", context)
    return send_mail(subject, body, None, recipients)


def send_missing_reminder(division, period, sheets: list) -> int:
    """List a division's sheets not yet submitted for a period with a deadline."""
    recipients = _member_addresses([division])
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "division": division,
            "period": period,
            "sheets": sheets,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("surveys/mail/missing_subject.txt", context).strip()
        body = render_to_string("surveys/mail/missing_body.txt", context)
    return send_mail(subject, body, None, recipients)
