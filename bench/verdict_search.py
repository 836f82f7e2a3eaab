"""Search with verdicts against the plain directory search, on the loaded database.

Run on a database with a large demo region, for example:

    DEBUG=true DATABASE_URL=sqlite:////tmp/caretime100k.sqlite3 .venv/bin/python manage.py load_demo --clinics 100000
    DEBUG=true DATABASE_URL=sqlite:////tmp/caretime100k.sqlite3 .venv/bin/python bench/verdict_search.py

Prints the median and 95th percentile of each variant and its ratio to the plain search
(the baseline, measured in the same run, so a busy machine shifts all figures together).
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def timed(action: Callable[[], object]) -> tuple[float, float]:
    action()  # warm the caches once
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(0.95 * len(samples)) - 1)]


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
    import django

    django.setup()
    from django.utils import timezone

    from caretime.core.places import resolve_place
    from caretime.core.verdict import Bar
    from caretime.directory.models import Clinic
    from caretime.directory.selectors import ClinicSearch, search_clinics
    from caretime.reports.models import CallReport
    from caretime.verdicts.selectors import Sort, alternatives_for, search_with_verdicts

    today = timezone.now().date()
    center = resolve_place("60614").point
    print(f"clinics {Clinic.objects.count():,}, call reports {CallReport.objects.count():,}, rounds {ROUNDS}")
    for discipline in ("pt", None):
        search = ClinicSearch(center=center, radius_miles=25, discipline=discipline)
        total = search_clinics(search).total
        base_median, base_p95 = timed(functools.partial(search_clinics, search))
        print(f"\nnear 60614, 25 miles, therapy {discipline or 'any'}: {total:,} clinics in the radius")
        print(f"  {'plain search (baseline)':34} median {base_median:7.1f} ms  p95 {base_p95:7.1f} ms  1.00x")
        for label, sort in (("with verdicts, nearest first", Sort.DISTANCE), ("sorted by verdict", Sort.VERDICT)):
            median, p95 = timed(functools.partial(search_with_verdicts, search, bar=Bar(), sort=sort, as_of=today))
            print(f"  {label:34} median {median:7.1f} ms  p95 {p95:7.1f} ms  {median / base_median:.2f}x")
    clinic = Clinic.objects.filter(latitude__range=(41.85, 41.95), longitude__range=(-87.70, -87.60)).first()
    if clinic is not None:
        median, p95 = timed(
            lambda: alternatives_for(clinic=clinic, discipline="pt", bar=Bar(), radius_miles=25, as_of=today)
        )
        print(f"\n  {'alternatives within 25 miles':34} median {median:7.1f} ms  p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
