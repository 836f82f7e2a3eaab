from django.db import migrations, models

FIELDS = ("weight", "minutes", "whole_known", "whole_one_on_one", "shared", "aide_led")


def _summed(rows):
    """Each (state, therapy)'s rows added up, field by field (lists element by element)."""
    found = {}
    for row in rows:
        total = found.setdefault((row.state, row.discipline), {})
        for name in FIELDS:
            value = getattr(row, name)
            if isinstance(value, list):
                before = total.get(name, [])
                longest = max(len(before), len(value))
                before, value = before + [0.0] * (longest - len(before)), value + [0.0] * (longest - len(value))
                total[name] = [a + b for a, b in zip(before, value)]
            else:
                total[name] = total.get(name, 0.0) + value
    return found


def drop_the_nation(apps, schema_editor):
    # The nation's sums are now every state's together, read as such: its stored rows go.
    apps.get_model("reports", "RegionCareTime").objects.filter(state="").delete()


def one_row_each_and_the_nation(apps, schema_editor):
    region = apps.get_model("reports", "RegionCareTime")
    summed = _summed(region.objects.all())
    nation = _summed(region(state="", **{"discipline": d, **values}) for (_, d), values in summed.items())
    region.objects.all().delete()
    region.objects.bulk_create(
        region(state=state, discipline=discipline, **values) for (state, discipline), values in {**summed, **nation}.items()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0007_visit_minutes_unknown'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='regioncaretime',
            name='region_care_time_unique',
        ),
        migrations.RunPython(drop_the_nation, one_row_each_and_the_nation),
        migrations.AlterField(
            model_name='regioncaretime',
            name='state',
            field=models.CharField(max_length=2),
        ),
        migrations.AddIndex(
            model_name='regioncaretime',
            index=models.Index(fields=['discipline', 'state'], name='region_care_time_discipline'),
        ),
    ]
