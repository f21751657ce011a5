from django.urls import include, path

from surveys import views

app_name = "surveys"

# /surveys/sheets/<pk>/
sheet_urls = [
    path("", views.sheet_detail, name="sheet"),
    path("edit/", views.sheet_edit, name="sheet_edit"),
    path("review/", views.sheet_review, name="sheet_review"),
]

# /surveys/periods/<pk>/
period_urls = [
    path("", views.period_queue, name="queue"),
    path("publish/", views.period_publish, name="publish"),
    path("reports/<slug:kind>.xlsx", views.period_report, name="report"),
    path("sheets.xlsx", views.period_workbook, name="period_workbook"),
    path("upload/", views.period_upload, name="period_upload"),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sheets/<int:pk>/", include(sheet_urls)),
    path("periods/<int:pk>/", include(period_urls)),
    path("plans/<int:plan_id>/periods/new/", views.period_new, name="period_new"),
    path("plans/<int:plan_id>/reports/trend.xlsx", views.plan_trend, name="trend"),
]
