"""What the workflow writes that the public pages show: see plans.stamps.

A period's sheets show once HQ publishes the period (its own save stamps the
plan); after that a sheet changes only by a published correction. Sheets of
an open period are left alone, so a division saving a draft keeps the cache.
"""

from __future__ import annotations

from plans import stamps
from plans.models import Period
from plans.models import Plan
from surveys.models import Correction
from surveys.models import Opinion
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet

PUBLISHED = Period.State.PUBLISHED


def watch_surveys() -> None:
    plans = Plan.objects
    stamps.watch(
        SurveySheet,
        lambda sheet: plans.filter(periods=sheet.period_id, periods__state=PUBLISHED),
    )
    stamps.watch(
        ScheduleStatus,
        lambda status: plans.filter(
            periods__sheets=status.sheet_id, periods__state=PUBLISHED
        ),
    )
    stamps.watch(Correction, _plans_of_correction)
    # Answered, made public or withdrawn from the public: any of them shows.
    stamps.watch(Opinion, lambda opinion: plans.filter(periods=opinion.period_id))


def _plans_of_correction(correction: Correction):
    if correction.state != Correction.State.PUBLISHED:
        return Plan.objects.none()
    return Plan.objects.filter(periods__sheets=correction.sheet_id)
