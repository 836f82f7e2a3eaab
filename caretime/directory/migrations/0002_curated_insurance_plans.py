from django.db import migrations

# A frozen copy of the list at the time of this migration (caretime.directory.insurance
# may change later; migrations must not).
PLANS = (
    ("medicare", "Medicare"),
    ("medicaid", "Medicaid"),
    ("medicare-advantage", "Medicare Advantage (any plan)"),
    ("aetna", "Aetna"),
    ("anthem", "Anthem Blue Cross Blue Shield"),
    ("blue-cross-blue-shield", "Blue Cross Blue Shield (other)"),
    ("cigna", "Cigna"),
    ("humana", "Humana"),
    ("kaiser-permanente", "Kaiser Permanente"),
    ("unitedhealthcare", "UnitedHealthcare"),
    ("tricare", "TRICARE"),
    ("molina", "Molina Healthcare"),
    ("ambetter", "Ambetter"),
    ("oscar", "Oscar Health"),
    ("workers-compensation", "Workers' compensation"),
    ("self-pay", "Self-pay (no insurance)"),
)


def add_plans(apps, schema_editor):
    InsurancePlan = apps.get_model("directory", "InsurancePlan")
    for slug, name in PLANS:
        InsurancePlan.objects.update_or_create(slug=slug, defaults={"name": name, "is_curated": True})


def remove_plans(apps, schema_editor):
    InsurancePlan = apps.get_model("directory", "InsurancePlan")
    InsurancePlan.objects.filter(slug__in=[slug for slug, _ in PLANS], clinics__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_directory")]
    operations = [migrations.RunPython(add_plans, remove_plans)]
