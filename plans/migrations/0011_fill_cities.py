"""Give every division, rating scale and plan a city.

小平市 (slug kodaira) is always made: it owns the seed plan, the rating scales
of 0002 and every division. Each other city name a plan was written with
becomes a city of its own (slug city-<n>, to be renamed in the admin), owning
its plans, and the divisions and scales only its plans use.
"""

from django.db import migrations

SEED_CITY = "小平市"
SEED_SLUG = "kodaira"


def fill_cities(apps, schema_editor):
    City = apps.get_model("plans", "City")
    Plan = apps.get_model("plans", "Plan")
    Division = apps.get_model("plans", "Division")
    RatingScale = apps.get_model("plans", "RatingScale")
    ItemDivision = apps.get_model("plans", "ItemDivision")
    seed, _ = City.objects.get_or_create(name=SEED_CITY, defaults={"slug": SEED_SLUG})
    cities = {seed.name: seed}
    names = Plan.objects.values_list("city_name", flat=True).distinct()
    for number, name in enumerate(sorted(set(names) - {SEED_CITY}), start=1):
        cities[name] = City.objects.create(name=name, slug=f"city-{number}")
    for plan in Plan.objects.all():
        plan.city = cities[plan.city_name]
        plan.save(update_fields=["city"])
    # A division or scale that plans of one city use goes to that city; one that
    # no plan uses, or plans of several cities share, stays with 小平市.
    users = {}
    for division_id, city_id in ItemDivision.objects.values_list(
        "division_id", "item__plan__city_id"
    ).distinct():
        users.setdefault(division_id, set()).add(city_id)
    for division in Division.objects.all():
        owners = users.get(division.pk, set())
        division.city_id = owners.pop() if len(owners) == 1 else seed.pk
        division.save(update_fields=["city"])
    for scale in RatingScale.objects.all():
        owners = set(scale.plans.values_list("city_id", flat=True))
        scale.city_id = owners.pop() if len(owners) == 1 else seed.pk
        scale.save(update_fields=["city"])


def write_city_names(apps, schema_editor):
    """Backwards: each plan's city name again; the cities go with 0010."""
    Plan = apps.get_model("plans", "Plan")
    for plan in Plan.objects.select_related("city"):
        plan.city_name = plan.city.name
        plan.save(update_fields=["city_name"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_cities")]

    operations = [migrations.RunPython(fill_cities, write_city_names)]
