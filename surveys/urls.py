from django.urls import include
from django.urls import path

from surveys.views import corrections
from surveys.views import dashboard
from surveys.views import files
from surveys.views import notices
from surveys.views import opinions
from surveys.views import periods
from surveys.views import sheets

app_name = "surveys"

# /surveys/sheets/<pk>/
sheet_urls = [
    path("", sheets.sheet_detail, name="sheet"),
    path("edit/", sheets.sheet_edit, name="sheet_edit"),
    path("review/", sheets.sheet_review, name="sheet_review"),
    path("reply/", sheets.sheet_reply, name="sheet_reply"),
    path("contribute/", sheets.sheet_contribute, name="sheet_contribute"),
    path("withdraw/", sheets.sheet_withdraw, name="sheet_withdraw"),
    path("correction/", corrections.correction_edit, name="correction"),
    path("correction/open/", corrections.correction_open, name="correction_open"),
]

# /surveys/periods/<pk>/
period_urls = [
    path("", periods.period_queue, name="queue"),
    path("publish/", periods.period_step, {"step": periods.PUBLISH}, name="publish"),
    path(
        "cancel/", periods.period_step, {"step": periods.CANCEL}, name="period_cancel"
    ),
    path("bulk/", periods.period_bulk, name="period_bulk"),
    path("divergence/", periods.period_divergence, name="divergence"),
    path("reading/", periods.period_reading, name="reading"),
    path("opinions/", opinions.period_opinions, name="opinions"),
    path("remind/<int:division_id>/", periods.period_remind, name="remind"),
    path("reports/<slug:kind>.xlsx", periods.period_report, name="report"),
    path("reports.zip", periods.period_reports_zip, name="reports_zip"),
    path("reports/progress/", periods.period_progress_print, name="progress_print"),
    path(
        "reports/progress.docx",
        periods.period_progress_report,
        name="progress_report",
    ),
    path("sheets.xlsx", files.period_workbook, name="period_workbook"),
    path("upload/", files.period_upload, name="period_upload"),
    path("submit/", files.period_submit, name="period_submit"),
]

# /surveys/opinions/<pk>/
opinion_urls = [
    path("", opinions.opinion_detail, name="opinion"),
    path("answer/", opinions.opinion_answer, name="opinion_answer"),
    path("report/", opinions.opinion_report, name="opinion_report"),
]

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("notices/", notices.notices, name="notices"),
    path("sheets/<int:pk>/", include(sheet_urls)),
    path("periods/<int:pk>/", include(period_urls)),
    path("opinions/<int:pk>/", include(opinion_urls)),
    path("plans/<int:plan_id>/periods/new/", periods.period_new, name="period_new"),
    path("plans/<int:plan_id>/reports/trend.xlsx", periods.plan_trend, name="trend"),
]
