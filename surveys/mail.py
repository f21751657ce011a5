"""What the app tells people: a period opened, a sheet returned, sheets still
missing, new submissions for HQ, a committee opinion given to a division.

Each message goes to every active person concerned as an in-app notice, and by
e-mail to those with an address. Mail is plain text (the templates turn HTML
escaping off) and never fails the action it reports: a refused or broken
delivery is logged and said to the caller, which has already saved its change.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import BadHeaderError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def _members(divisions: Iterable) -> list:
    """The active staff of the divisions, each once."""
    people = {
        user.pk: user
        for division in divisions
        for user in division.members.all()
        if user.is_active
    }
    return [people[pk] for pk in sorted(people)]


def _addresses(people: Iterable) -> list[str]:
    return sorted({user.email for user in people if user.email})


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
    template: str,
    context: dict,
    people: list,
    site_url: str | None = None,
    *,
    kind: str,
    period,
    url: str,
) -> bool | None:
    """Tell `people` `template`'s subject and body: a notice each, and e-mail.

    Links start with `site_url`, the address of the request that caused the
    mail; SITE_URL for mail sent without one (from cron). None with nobody to
    tell; False if the e-mail failed; True otherwise (the notices are made
    even for people without an address).
    """
    from surveys.models import Notice

    if not people:
        return None
    subject, body = _render(template, context, site_url)
    Notice.objects.bulk_create(
        Notice(
            recipient=user,
            kind=kind,
            period=period,
            subject=subject[:300],
            body=body,
            url=url,
        )
        for user in people
    )
    recipients = _addresses(people)
    if not recipients:
        return True
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, BadHeaderError, OSError):
        logger.exception("Mail %r to %s could not be sent", subject, recipients)
        return False
    return True


def _tell_division(
    template: str, context: dict, division, site_url: str | None, *, kind: str
) -> bool | None:
    """Tell a division's staff about `context`'s period, linking to their dashboard."""
    return _deliver(
        template,
        context,
        _members([division]),
        site_url,
        kind=kind,
        period=context["period"],
        url=reverse("surveys:dashboard"),
    )


def site_url_of(request) -> str:
    """The address the app was reached at by `request`, for links in mail."""
    return request.build_absolute_uri("/").rstrip("/")


def send_returned_notice(sheet, site_url: str | None = None) -> bool | None:
    """Tell the sheet's divisions that HQ returned it, with HQ's note."""
    divisions = [link.division for link in sheet.item.division_links.all()]
    return _deliver(
        "returned",
        {"sheet": sheet},
        _members(divisions),
        site_url,
        kind="returned",
        period=sheet.period,
        url=sheet.get_absolute_url(),
    )


def send_opinion_assigned(opinion, site_url: str | None = None) -> bool | None:
    """Tell a division that HQ gave it a committee opinion to act on."""
    return _deliver(
        "opinion",
        {"opinion": opinion},
        _members([opinion.division]),
        site_url,
        kind="opinion",
        period=opinion.period,
        url=opinion.get_absolute_url(),
    )


def send_missing_reminder(
    division, period, sheets: list, site_url: str | None = None
) -> bool | None:
    """List a division's sheets not yet submitted for a period with a deadline."""
    context = {"division": division, "period": period, "sheets": sheets}
    return _tell_division("missing", context, division, site_url, kind="reminder")


def missing_reminder_preview(
    division, period, sheets: list, site_url: str | None = None
) -> dict:
    """What send_missing_reminder would send: recipients, subject and body."""
    context = {"division": division, "period": period, "sheets": sheets}
    subject, body = _render("missing", context, site_url)
    people = _members([division])
    return {
        "to": _addresses(people),
        "app_only": [user for user in people if not user.email],
        "subject": subject,
        "body": body,
    }


def send_period_opened(period, divisions: dict, site_url: str | None = None) -> int:
    """Tell each division its sheets to fill in the new period; how many were told.

    `divisions` maps each division to its number of sheets.
    """
    told = 0
    for division, count in divisions.items():
        context = {"division": division, "period": period, "count": count}
        delivered = _tell_division("opened", context, division, site_url, kind="opened")
        told += delivered is not None
    return told


def send_submission_digest(period, sheets: list, hq: list) -> bool | None:
    """Tell the city's HQ which sheets were submitted since the last digest."""
    return _deliver(
        "submissions",
        {"period": period, "sheets": sheets},
        hq,
        kind="submissions",
        period=period,
        url=reverse("surveys:queue", args=[period.pk]) + "?state=submitted",
    )
