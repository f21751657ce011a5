"""The survey workflow's records: sheets, what is written around them, opinions."""

from surveys.models.notes import Contribution
from surveys.models.notes import Correction
from surveys.models.notes import Notice
from surveys.models.notes import Reminder
from surveys.models.notes import Reply
from surveys.models.opinions import Opinion
from surveys.models.sheets import PROXY_ENTRY
from surveys.models.sheets import WITHDRAWN
from surveys.models.sheets import Conflict
from surveys.models.sheets import Refused
from surveys.models.sheets import ScheduleStatus
from surveys.models.sheets import SurveySheet

__all__ = [
    "PROXY_ENTRY",
    "WITHDRAWN",
    "Conflict",
    "Contribution",
    "Correction",
    "Notice",
    "Opinion",
    "Refused",
    "Reminder",
    "Reply",
    "ScheduleStatus",
    "SurveySheet",
]
