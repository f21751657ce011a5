from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.models import User
from django.urls import path
from import_export import fields
from import_export import resources
from import_export import widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from plans import admin_workbook
from plans.admin_cities import CityScoped
from plans.admin_cities import administered_city_ids
from plans.admin_users import UserAdmin
from plans.models import City
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
from reformtracker.lib.text import not_a_formula
from reformtracker.lib.uploads import UploadRejected
from reformtracker.lib.uploads import checked_bytes


class PartsInline(CityScoped, admin.TabularInline):
    """A table of a record's parts in its page, with no empty row until asked for."""

    extra = 0


class GradeInline(PartsInline):
    model = Grade


@admin.register(RatingScale)
class RatingScaleAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["name", "code", "city"]
    list_filter = ["city"]
    inlines = [GradeInline]


@admin.register(Grade)
class GradeAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["code", "label", "scale", "reason_required", "order"]
    list_filter = ["scale"]


class PolicyAreaInline(PartsInline):
    model = PolicyArea
    fields = ["order", "number", "name", "parent"]


class PeriodInline(PartsInline):
    model = Period
    fields = ["fiscal_year", "half", "deadline", "state", "published_at"]


@admin.register(Plan)
class PlanAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["name", "city", "first_fiscal_year", "last_fiscal_year", "cadence"]
    list_filter = ["city"]
    list_select_related = ["city"]
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
class PolicyAreaAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["name", "number", "plan", "parent", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan", "parent"]


class CityWidget(widgets.ForeignKeyWidget):
    """A city by name, one of `cities` only (those the importing user administers)."""

    def __init__(self, cities):
        super().__init__(City, field="name")
        self.cities = cities

    def get_queryset(self, value, row, *args, **kwargs):
        return self.cities


class DivisionResource(resources.ModelResource):
    """Divisions as a flat list (名称, 旧名称, 有効, 自治体), matched by city and name."""

    def __init__(self, *, cities=None, **kwargs):
        super().__init__(**kwargs)
        self.fields["city"] = fields.Field(
            attribute="city",
            column_name="city",
            widget=CityWidget(City.objects.all() if cities is None else cities),
        )

    def export_field(self, field, instance, **kwargs):
        # Neutralised as in the open data, not stripped of "=" as the library does.
        return not_a_formula(super().export_field(field, instance, **kwargs))

    class Meta:
        model = Division
        fields = ["name", "former_names", "active", "city"]
        import_id_fields = ["city", "name"]
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
class DivisionAdmin(CityScoped, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [DivisionResource]
    import_form_class = CheckedImportForm
    import_formats = [base_formats.XLSX, base_formats.CSV]
    export_formats = [base_formats.XLSX, base_formats.CSV]
    list_display = ["name", "former_names", "active", "collective", "city"]
    filter_horizontal = ["members"]
    list_filter = ["city", "active", "collective"]
    list_select_related = ["city"]
    search_fields = ["name", "former_names"]

    # Adding and viewing divisions, as the settings' permission codes say, but
    # through the admin's own checks, which a city's administrator passes.
    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        """Rows may name only the cities the user administers (any, for a superuser)."""
        cities = City.objects.all()
        if not request.user.is_superuser:
            cities = cities.filter(pk__in=administered_city_ids(request.user))
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "cities": cities,
        }


class ItemDivisionInline(PartsInline):
    model = ItemDivision
    autocomplete_fields = ["division"]


class IndicatorInline(CityScoped, admin.StackedInline):
    model = Indicator
    extra = 0


class ScheduleRowInline(PartsInline):
    model = ScheduleRow


@admin.register(Item)
class ItemAdmin(CityScoped, SimpleHistoryAdmin):
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
    raw_id_fields = ["parent", "relisted_from", "carried_from", "merged_into"]
    inlines = [ItemDivisionInline, IndicatorInline, ScheduleRowInline]


@admin.register(ItemDivision)
class ItemDivisionAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["item", "division", "order"]
    list_select_related = ["item", "division"]
    raw_id_fields = ["item", "division"]


@admin.register(Indicator)
class IndicatorAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["__str__", "item", "baseline_text", "target_text", "unit"]
    list_select_related = ["item"]
    search_fields = ["name", "item__title"]
    raw_id_fields = ["item"]


@admin.register(ScheduleRow)
class ScheduleRowAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["__str__", "item", "order"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]


@admin.register(Period)
class PeriodAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "deadline", "state", "published_at"]
    list_filter = ["plan", "state"]
    list_select_related = ["plan"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(CityScoped, SimpleHistoryAdmin):
    list_display = ["indicator", "period", "text", "value"]
    list_select_related = ["indicator", "period"]
    raw_id_fields = ["indicator", "period"]


# Accounts and roles with their history: who changed a user's groups, or what a
# group may do, and when.
admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, UserAdmin)


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin, BaseGroupAdmin):
    pass
