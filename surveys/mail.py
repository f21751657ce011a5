"""E-mail to divisions: a returned sheet, and sheets still missing before a deadline.

Mail is plain text (the templates turn HTML escaping off) and never fails the
action it reports: a refused or broken delivery is logged and said to the
caller, which has already saved its change.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import BadHeaderError
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


logger = logging.getLogger(__name__)


def _render(template: str, context: dict, site_url: str | None) -> tuple[str, str]:
    """The mail's subject (one line) and body, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "site_url": site_url or settings.SITE_URL}
        subject = render_to_string(f"surveys/mail/{template}_subject.txt", context)
        body = render_to_string(f"surveys/mail/{template}_body.txt", context)
    # A subject is one line, whatever the item number or title holds.
    return " ".join(subject.split()), body


def _deliver(
    template: str, context: dict, recipients: list[str], site_url: str | None = None
) -> bool | None:
    """Send `template`'s subject and body to `recipients`.

    Links start with `site_url`, the address of the request that caused the
    mail; SITE_URL for mail sent without one (send_reminders from cron).
    True once sent, False if delivery failed, None with nobody to send to.
    """
    if not recipients:
        return None
    subject, body = _render(template, context, site_url)
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, BadHeaderError, OSError):
        logger.exception("Mail %r to %s could not be sent", subject, recipients)
        return False
    return True


def site_url_of(request) -> str:
    """The address the app was reached at by `request`, for links in mail."""
    return request.build_absolute_uri("/").rstrip("/")


def send_returned_notice(sheet, site_url: str | None = None) -> bool | None:
    """Tell the sheet's divisions that HQ returned it, with HQ's note."""
    divisions = [link.division for link in sheet.item.division_links.all()]
    addresses = _member_addresses(divisions)
    return _deliver("returned", {"sheet": sheet}, addresses, site_url)


def send_missing_reminder(
    division, period, sheets: list, site_url: str | None = None
) -> bool | None:
    """List a division's sheets not yet submitted for a period with a deadline."""
    context = {"division": division, "period": period, "sheets": sheets}
    return _deliver("missing", context, _member_addresses([division]), site_url)


def missing_reminder_preview(
    division, period, sheets: list, site_url: str | None = None
) -> dict:
    """What send_missing_reminder would send: recipients, subject and body."""
    context = {"division": division, "period": period, "sheets": sheets}
    subject, body = _render("missing", context, site_url)
    return {"to": _member_addresses([division]), "subject": subject, "body": body}
