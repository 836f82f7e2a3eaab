"""What a FHIR or HSDS request naming a clinic's public id costs, before and after the ids were
kept in an indexed column, on a database that already holds a directory:

    DEBUG=true DATABASE_URL=sqlite:////tmp/od20k.sqlite3 .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=sqlite:////tmp/od20k.sqlite3 .venv/bin/python manage.py load_demo --clinics 20000
    DATABASE_URL=sqlite:////tmp/od20k.sqlite3 .venv/bin/python bench/open_data_ids.py

Steps, in one run on the same database, each the median of several rounds:

- baseline: one clinic read by its row id through the ORM, the least any look-up costs;
- before: what the first request naming a clinic's id did in each process and directory
  generation: read every clinic's row id and hash it into a map of ids (restated here as it was);
- after: the clinic a public id names, one look-up in the indexed column
  (``caretime.opendata.ids.clinic_pks``);
- a whole read, ``GET /fhir/R4/Location/<id>`` through Django's test client, for scale.

Each figure is printed as a ratio to the baseline. See docs/performance.md, "Open data export".
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
os.environ.setdefault("DEBUG", "true")


def median_seconds(step: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from caretime.directory.models import Clinic
    from caretime.opendata.ids import clinic_pks, location_id

    pks = list(Clinic.objects.values_list("pk", flat=True))
    rng = random.Random(1)
    sample = [rng.choice(pks) for _ in range(200)]
    keys = iter([location_id(pk) for pk in sample] * 10)
    rows = iter(sample * 10)

    def by_row_id() -> object:
        return list(Clinic.objects.filter(pk=next(rows)).values_list("pk", flat=True))

    def every_id_hashed() -> object:
        return {location_id(pk): pk for pk in Clinic.objects.values_list("pk", flat=True)}

    def by_public_id() -> object:
        found = clinic_pks([next(keys)])
        if len(found) != 1:
            raise AssertionError("a public id names one clinic")
        return found

    client = Client(HTTP_HOST="localhost")

    def fhir_read() -> object:
        response = client.get(f"/fhir/R4/Location/{next(keys)}")
        if response.status_code != 200:
            raise AssertionError(response.content)
        return response

    baseline = median_seconds(by_row_id, 200)
    before = median_seconds(every_id_hashed, 3)
    after = median_seconds(by_public_id, 200)
    read = median_seconds(fhir_read, 50)
    print(f"clinics: {len(pks)}")
    print(f"baseline, a clinic by its row id: {baseline * 1e3:.2f} ms")
    print(f"before, every clinic's id hashed: {before * 1e3:.0f} ms, {before / baseline:.0f}x the baseline")
    print(f"after, a clinic by its public id: {after * 1e3:.2f} ms, {after / baseline:.1f}x the baseline")
    print(f"before / after: {before / after:.0f}x")
    print(f"a whole FHIR read of a Location: {read * 1e3:.1f} ms, {read / baseline:.0f}x the baseline")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
