"""Where HQ's rating differs from the division's: the 3×3 matrix the committee asks for."""

from __future__ import annotations

from dataclasses import dataclass

from plans.models import Grade
from plans.models import Period
from surveys.models import SurveySheet


@dataclass
class Divergence:
    """Accepted sheets counted by division's rating (rows) × HQ's rating (columns).

    `labels` are the scale's grades then None for "not rated"; `rows` pairs each
    with its counts in the same order; `differing` are the sheets whose two
    ratings differ, in plan order.
    """

    labels: list[Grade | None]
    rows: list[tuple[Grade | None, list[int]]]
    differing: list[SurveySheet]
    total: int

    @property
    def agreeing(self) -> int:
        return self.total - len(self.differing)


def divergence(period: Period) -> Divergence:
    labels = [*period.plan.rating_scale.grades.order_by("order"), None]
    keys = [grade.pk if grade else None for grade in labels]
    counts = {(d, h): 0 for d in keys for h in keys}
    sheets = list(
        period.sheets.filter(state=SurveySheet.State.ACCEPTED)
        .select_related("item", "division_grade", "hq_grade")
        .order_by("item__order")
    )
    for sheet in sheets:
        counts[sheet.division_grade_id, sheet.hq_grade_id] += 1
    return Divergence(
        labels=labels,
        rows=[
            (grade, [counts[key, column] for column in keys])
            for grade, key in zip(labels, keys, strict=True)
        ],
        differing=[s for s in sheets if s.division_grade_id != s.hq_grade_id],
        total=len(sheets),
    )
