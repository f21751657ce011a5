from django.db import migrations

SCALES = [
    (
        "sab",
        "S/A/B（予定比の進捗）",
        [
            ("S", "予定以上に進捗", "年度当初に設定した予定以上に進捗している", "#197a4b", False),
            ("A", "予定どおりに進捗", "年度当初に設定した予定どおりに進捗している", "#0017c1", False),
            ("B", "予定よりも遅れている", "年度当初に設定した予定よりも遅れている", "#c74700", False),
        ],
    ),
    (
        "status4",
        "◎○△×（取組状況）",
        [
            ("◎", "完了", "取組が完了した", "#197a4b", False),
            ("○", "実施中", "取組を実施している", "#0017c1", False),
            ("△", "未着手", "取組に着手していない", "#927200", True),
            ("×", "中止", "取組を中止した", "#ce0000", True),
        ],
    ),
]


def create_scales(apps, schema_editor):
    RatingScale = apps.get_model("plans", "RatingScale")
    Grade = apps.get_model("plans", "Grade")
    for code, name, grades in SCALES:
        scale, _ = RatingScale.objects.get_or_create(code=code, defaults={"name": name})
        for order, (grade, label, description, colour, reason) in enumerate(grades, 1):
            Grade.objects.get_or_create(
                scale=scale,
                code=grade,
                defaults={
                    "label": label,
                    "description": description,
                    "colour": colour,
                    "reason_required": reason,
                    "order": order,
                },
            )


def delete_scales(apps, schema_editor):
    RatingScale = apps.get_model("plans", "RatingScale")
    RatingScale.objects.filter(code__in=[code for code, _, _ in SCALES]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(create_scales, delete_scales)]
