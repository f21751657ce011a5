from django.urls import path

from surveys import public

app_name = "public"
urlpatterns = [
    path("", public.plan_list, name="plan_list"),
    path("accessibility/", public.accessibility, name="accessibility"),
    # /plans/<plan_id>/
    path("plans/<int:plan_id>/", public.plan_detail, name="plan"),
    path("plans/<int:plan_id>/items/<str:number>/", public.item_detail, name="item"),
    path(
        "plans/<int:plan_id>/results.csv",
        public.plan_results,
        {"fmt": "csv"},
        name="results_csv",
    ),
    path(
        "plans/<int:plan_id>/results.json",
        public.plan_results,
        {"fmt": "json"},
        name="results_json",
    ),
]
