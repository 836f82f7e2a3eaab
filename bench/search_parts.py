"""Where a first-time search, a results page and a clinic page spend their time, in one process.

    .venv/bin/python bench/search_parts.py --database-url sqlite:///bench/out/growth-100k.sqlite3
    .venv/bin/python bench/search_parts.py --database-url postgres://postgres@127.0.0.1:5432/bench100k

On a database ``bench/search.py`` built (the demo region with its call reports), with
production settings (DEBUG off), each part is called again and again, alternating with the
trivial view ``GET /api/v1/health`` through ``django.test.Client``, and the medians of its
wall time and of this process's CPU time are printed (for PostgreSQL the database server's
own CPU is not counted). The first-time searches are the HTTP benchmark's: central Chicago ZIP
codes x radii x pages, never asked twice, so no answer comes from the cache. The "floor" row
is the least a first-time API search that reads its page from the database adds to the trivial
view: one query of the page's 20 clinics as plain rows, written as JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search  # bench/search.py: the ZIP codes and the first-time searches
import verdict_search  # bench/verdict_search.py: production settings in this process

CALLS = 60


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="a database bench/search.py built")
    parser.add_argument("--near", default="60614")
    parser.add_argument("--radius-miles", type=int, default=25)
    parser.add_argument("--discipline", default="pt")
    parser.add_argument("--calls", type=int, default=CALLS, help=f"calls of each part (default {CALLS})")
    return parser.parse_args(argv)


def timed(part: Callable[[], object], trivial: Callable[[], object], calls: int) -> tuple[float, float, float]:
    """(median wall ms, median CPU ms) of the part, and the median wall ms of the trivial
    view measured alternately with it."""
    for _ in range(3):
        part()
        trivial()
    wall: list[float] = []
    cpu: list[float] = []
    baseline: list[float] = []
    for _ in range(calls):
        started, started_cpu = time.perf_counter(), time.process_time()
        part()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        started = time.perf_counter()
        trivial()
        baseline.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), statistics.median(cpu), statistics.median(baseline)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    verdict_search.setup_django(args.database_url)
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from caretime.api.clinics import page_json
    from caretime.core.places import resolve_place
    from caretime.core.verdict import Bar
    from caretime.directory.geo_index import geo_index
    from caretime.directory.models import Clinic
    from caretime.directory.search_cache import directory_changed, directory_generation
    from caretime.directory.selectors import ClinicSearch, search_clinics
    from caretime.verdicts.selectors import search_with_verdicts, verdict_for

    settings.ALLOWED_HOSTS = ["testserver"]
    directory_changed()  # nothing an earlier run cached is served
    client = Client()
    today = timezone.now().date()
    index = geo_index()

    def request(paths: Iterator[str]) -> Callable[[], object]:
        def get() -> object:
            path = next(paths)
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
            return response

        return get

    options = argparse.Namespace(radius_miles=args.radius_miles, discipline=args.discipline)
    centres = [resolve_place(zip_code).point for zip_code in search.FIRST_TIME_ZIPS]
    searches = itertools.cycle(
        [
            ClinicSearch(center, float(radius), args.discipline)
            for radius in range(args.radius_miles - 10, args.radius_miles + 11)
            for center in centres
        ]
    )
    query = ClinicSearch(resolve_place(args.near).point, float(args.radius_miles), args.discipline)
    first_page = search_clinics(query)
    page_ids = [hit.clinic.pk for hit in first_page.hits]
    assert query.center is not None
    _, ranked = index.page(query.center, query.radius_miles, offset=0, limit=200, discipline=args.discipline)
    nearest = [clinic_id for _, clinic_id in ranked]
    clinics = itertools.cycle(Clinic.objects.in_bulk(nearest).values())
    answer = page_json(first_page, args.near, directory_generation())

    def ranking() -> object:
        s = next(searches)
        assert s.center is not None
        return index.page(s.center, s.radius_miles, offset=0, limit=20, discipline=s.discipline)

    def floor() -> bytes:
        rows = Clinic.objects.filter(pk__in=page_ids).values(
            "id", "name", "address_line1", "address_line2", "city", "state", "zip_code", "phone", "organization__npi"
        )
        return json.dumps(list(rows)).encode()

    counter = itertools.count()
    parts: list[tuple[str, Callable[[], Any]]] = [
        ("request: first-time API search", request(search.first_time_searches(options))),
        ("ranking: one page from the index", ranking),
        ("the page's 20 clinics (search_clinics, ranking included)", lambda: search_clinics(next(searches))),
        ("the page as JSON (page_json)", lambda: page_json(first_page, args.near, directory_generation())),
        ("storing the answer in the shared cache", lambda: cache.set(f"bench-parts:{next(counter)}", answer, 60)),
        ("floor: one query of 20 clinics as plain rows, as JSON", floor),
        ("request: results page, meeting the bar first", request(search.first_time_searches(options, "/clinics/"))),
        (
            "search_with_verdicts, meeting the bar first",
            lambda: search_with_verdicts(next(searches), bar=Bar(), as_of=today),
        ),
        (
            "request: results page, only those meeting the bar",
            request(search.first_time_searches(options, "/clinics/", meets_bar="1")),
        ),
        (
            "search_with_verdicts, only those meeting the bar",
            lambda: search_with_verdicts(next(searches), bar=Bar(), as_of=today, only_meeting=True),
        ),
        ("request: clinic page", request(f"/clinics/{clinic.pk}/" for clinic in clinics)),
        (
            "request: verdict API",
            request(f"/api/v1/clinics/{c.pk}/verdict?{urlencode({'discipline': args.discipline})}" for c in clinics),
        ),
        (
            "verdict_for (the verdict API's reads and rule)",
            lambda: verdict_for(next(clinics), args.discipline, Bar(), as_of=today),
        ),
    ]
    trivial = request(itertools.repeat("/api/v1/health"))
    print(f"{Clinic.objects.count():,} clinics, {first_page.total:,} within {args.radius_miles} miles of {args.near}")
    print(f"{'part':<58} {'median ms':>9} {'CPU ms':>7} {'trivial ms':>10}")
    wall, cpu, _ = timed(trivial, trivial, args.calls)
    print(f"{'request: GET /api/v1/health (the trivial view)':<58} {wall:>9.2f} {cpu:>7.2f}")
    for name, part in parts:
        wall, cpu, baseline = timed(part, trivial, args.calls)
        print(f"{name:<58} {wall:>9.2f} {cpu:>7.2f} {baseline:>10.2f}", flush=True)
    cache.delete_many([f"bench-parts:{n}" for n in range(next(counter))])


if __name__ == "__main__":
    main()
