"""Who a user is in the workflow: HQ officer, committee member, division staff.

Roles are Django permissions held through groups (行革本部, 推進委員会) that
administrators manage in the admin; division staff are the members of a
division. A superuser holds every role.
"""

from __future__ import annotations

HQ_PERMISSION = "surveys.review_surveysheet"
COMMITTEE_PERMISSION = "surveys.read_reports"


def is_hq(user) -> bool:
    return user.is_authenticated and user.has_perm(HQ_PERMISSION)


def is_committee(user) -> bool:
    return user.is_authenticated and user.has_perm(COMMITTEE_PERMISSION)


def division_ids(user) -> frozenset[int]:
    """The divisions the user works for, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_division_ids"):
        user._division_ids = frozenset(user.divisions.values_list("pk", flat=True))
    return user._division_ids


def is_staff_member(user) -> bool:
    """Anyone with a role in the survey workflow."""
    return is_hq(user) or is_committee(user) or bool(division_ids(user))
