from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.models import User
from django.urls import path
from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from plans import admin_workbook
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow
from reformtracker.lib.uploads import UploadRejected
from reformtracker.lib.uploads import checked_bytes


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    inlines = [GradeInline]


@admin.register(Grade)
class GradeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "label", "scale", "reason_required", "order"]
    list_filter = ["scale"]


class PolicyAreaInline(admin.TabularInline):
    model = PolicyArea
    extra = 0
    fields = ["order", "number", "name", "parent"]


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0
    fields = ["fiscal_year", "half", "deadline", "state", "published_at"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "city", "first_fiscal_year", "last_fiscal_year", "cadence"]
    inlines = [PolicyAreaInline, PeriodInline]

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, self))

        return [
            path("import/", view(admin_workbook.import_view), name="plans_plan_import"),
            path(
                "template.xlsx",
                view(admin_workbook.template_view),
                name="plans_plan_template",
            ),
            path(
                "<int:pk>/export.xlsx",
                view(admin_workbook.export_view),
                name="plans_plan_export",
            ),
            *super().get_urls(),
        ]


@admin.register(PolicyArea)
class PolicyAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "number", "plan", "parent", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan", "parent"]


class DivisionResource(resources.ModelResource):
    """Divisions as a flat list (名称, 旧名称, 有効), matched by name."""

    class Meta:
        model = Division
        fields = ["name", "former_names", "active"]
        import_id_fields = ["name"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class CheckedImportForm(ImportForm):
    """django-import-export's form, with the upload checked before the library reads it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            checked_bytes(upload, suffixes=(".xlsx", ".csv"))
        except UploadRejected as error:
            raise forms.ValidationError(str(error)) from error
        upload.seek(0)
        return upload


@admin.register(Division)
class DivisionAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [DivisionResource]
    import_form_class = CheckedImportForm
    import_formats = [base_formats.XLSX, base_formats.CSV]
    export_formats = [base_formats.XLSX, base_formats.CSV]
    list_display = ["name", "former_names", "active"]
    filter_horizontal = ["members"]
    list_filter = ["active"]
    search_fields = ["name", "former_names"]


class ItemDivisionInline(admin.TabularInline):
    model = ItemDivision
    extra = 0
    autocomplete_fields = ["division"]


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0


class ScheduleRowInline(admin.TabularInline):
    model = ScheduleRow
    extra = 0


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "area",
        "parent",
        "relisted_from",
        "is_new",
        "is_follow_up",
    ]
    list_filter = ["plan", "area", "is_new", "is_follow_up"]
    list_select_related = ["area", "parent", "relisted_from"]
    search_fields = ["number", "title", "purpose"]
    raw_id_fields = ["parent", "relisted_from", "carried_from"]
    inlines = [ItemDivisionInline, IndicatorInline, ScheduleRowInline]


@admin.register(ItemDivision)
class ItemDivisionAdmin(SimpleHistoryAdmin):
    list_display = ["item", "division", "order"]
    list_select_related = ["item", "division"]
    raw_id_fields = ["item", "division"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "item", "baseline_text", "target_text", "unit"]
    list_select_related = ["item"]
    search_fields = ["name", "item__title"]
    raw_id_fields = ["item"]


@admin.register(ScheduleRow)
class ScheduleRowAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "item", "order"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "deadline", "state", "published_at"]
    list_filter = ["plan", "state"]
    list_select_related = ["plan"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "text", "value"]
    list_select_related = ["indicator", "period"]
    raw_id_fields = ["indicator", "period"]


# Accounts and roles with their history: who changed a user's groups, or what a
# group may do, and when.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin, BaseGroupAdmin):
    pass
