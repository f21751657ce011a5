from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # /plans/<plan_id>/
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/items/<str:number>/", views.item_detail, name="item"),
    path(
        "plans/<int:plan_id>/results.csv",
        views.plan_results,
        {"fmt": "csv"},
        name="results_csv",
    ),
    path(
        "plans/<int:plan_id>/results.json",
        views.plan_results,
        {"fmt": "json"},
        name="results_json",
    ),
]
