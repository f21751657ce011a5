from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.admin_cities import CityScoped
from plans.admin_cities import owned_by_city
from surveys.models import Contribution
from surveys.models import Correction
from surveys.models import Notice
from surveys.models import Opinion
from surveys.models import Reminder
from surveys.models import Reply
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet

owned_by_city(SurveySheet, "period__plan__city")


@admin.register(SurveySheet)
class SurveySheetAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = [
        "item",
        "period",
        "state",
        "division_grade",
        "hq_grade",
        "updated_at",
    ]
    list_filter = ["period__plan", "period", "state"]
    list_select_related = ["item", "period", "division_grade", "hq_grade"]
    search_fields = ["item__number", "item__title"]
    raw_id_fields = ["item", "period"]
    readonly_fields = ["version"]


owned_by_city(ScheduleStatus, "sheet__period__plan__city")


@admin.register(ScheduleStatus)
class ScheduleStatusAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["sheet", "schedule_row", "grade"]
    list_select_related = ["sheet__item", "sheet__period", "schedule_row", "grade"]
    raw_id_fields = ["sheet", "schedule_row"]


class ReadOnly:
    """A record the workflow writes; the admin only reads it (list it first)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


owned_by_city(Reminder, "period__plan__city")


@admin.register(Reminder)
class ReminderAdmin(ReadOnly, CityScoped, admin.ModelAdmin):
    """A log of the reminders sent: read, never written by hand."""

    list_display = [
        "division",
        "period",
        "sent_at",
        "sent_by",
        "sheet_count",
        "delivered",
    ]
    list_filter = ["period__plan", "period"]
    list_select_related = ["division", "period__plan", "sent_by"]


owned_by_city(Reply, "sheet__period__plan__city")


@admin.register(Reply)
class ReplyAdmin(ReadOnly, CityScoped, admin.ModelAdmin):
    list_display = ["sheet", "written_at", "author", "by_hq"]
    list_filter = ["sheet__period__plan", "sheet__period", "by_hq"]
    list_select_related = ["sheet__item", "sheet__period", "author"]
    search_fields = ["sheet__item__number", "sheet__item__title", "text"]


owned_by_city(Correction, "sheet__period__plan__city")


@admin.register(Correction)
class CorrectionAdmin(ReadOnly, CityScoped, admin.ModelAdmin):
    list_display = ["sheet", "state", "opened_at", "opened_by", "published_at"]
    list_filter = ["sheet__period__plan", "sheet__period", "state"]
    list_select_related = ["sheet__item", "sheet__period", "opened_by"]
    search_fields = ["sheet__item__number", "sheet__item__title", "note"]

    def has_delete_permission(self, request, obj=None):
        return False  # the public correction log keeps every correction


owned_by_city(Notice, "period__plan__city")


@admin.register(Notice)
class NoticeAdmin(ReadOnly, CityScoped, admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["period__plan", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username"]


owned_by_city(Contribution, "sheet__period__plan__city")


@admin.register(Contribution)
class ContributionAdmin(ReadOnly, CityScoped, SimpleHistoryAdmin):
    list_display = ["sheet", "division", "author", "updated_at"]
    list_filter = ["sheet__period__plan", "sheet__period"]
    list_select_related = ["sheet__item", "sheet__period", "division", "author"]
    search_fields = ["sheet__item__number", "sheet__item__title", "text"]


owned_by_city(Opinion, "period__plan__city")


@admin.register(Opinion)
class OpinionAdmin(ReadOnly, CityScoped, SimpleHistoryAdmin):
    """Written and answered on the staff pages; here to be looked up."""

    list_display = ["period", "item", "author", "division", "public", "written_at"]
    list_filter = ["period__plan", "period", "public"]
    list_select_related = ["period__plan", "item", "author", "division"]
    search_fields = ["item__number", "item__title", "text", "response", "action"]

    def has_delete_permission(self, request, obj=None):
        return False  # an answered opinion may be public; its history is kept
