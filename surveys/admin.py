from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.admin_cities import CityScoped
from plans.admin_cities import owned_by_city
from surveys.models import Reminder
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet

owned_by_city(SurveySheet, "period__plan__city")


@admin.register(SurveySheet)
class SurveySheetAdmin(CityScoped, SimpleHistoryAdmin):
    city_path = "period__plan__city"
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


@admin.register(ScheduleStatus)
class ScheduleStatusAdmin(CityScoped, SimpleHistoryAdmin):
    city_path = "sheet__period__plan__city"
    list_display = ["sheet", "schedule_row", "grade"]
    list_select_related = ["sheet__item", "sheet__period", "schedule_row", "grade"]
    raw_id_fields = ["sheet", "schedule_row"]


owned_by_city(Reminder, "period__plan__city")


@admin.register(Reminder)
class ReminderAdmin(CityScoped, admin.ModelAdmin):
    """A log of the reminders sent: read, never written by hand."""

    city_path = "period__plan__city"
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
