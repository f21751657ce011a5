from django.urls import include
from django.urls import path

from public import views

app_name = "public"

# /<city>/plans/<plan_id>/
plan_urls = [
    path("", views.plan_detail, name="plan"),
    path("items/<str:number>/", views.item_detail, name="item"),
    path("items/k/<str:key>/", views.item_by_key, name="item_key"),
    path("areas/<str:key>/", views.area_detail, name="area"),
    path("results.csv", views.plan_results, {"fmt": "csv"}, name="results_csv"),
    path("results.json", views.plan_results, {"fmt": "json"}, name="results_json"),
    path("corrections/", views.plan_corrections, name="corrections"),
]

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # /plans/<plan_id>/…: the addresses before cities, moved permanently.
    path("plans/<int:plan_id>/", views.moved, name="moved_plan"),
    path("plans/<int:plan_id>/<path:rest>", views.moved, name="moved"),
    # /<city>/
    path("<slug:city>/", views.city_detail, name="city"),
    path("<slug:city>/plans/<int:plan_id>/", include(plan_urls)),
]
