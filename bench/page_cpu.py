"""CPU and Python function calls per request of the results page, the clinic page and the
verdict API, in one process, against the trivial view.

    .venv/bin/python bench/page_cpu.py --database-url sqlite:///$PWD/bench/out/search.sqlite3
    .venv/bin/python bench/page_cpu.py --database-url ... --profile results   # where the time goes

On a database ``bench/search.py`` built, with production settings (DEBUG off), through
``django.test.Client``: results pages of the first-time searches' central Chicago ZIP codes
(radii 15, 20 and 25 miles, pages 1 and 2, physical therapy), the pages of 40 clinics of the
directory (20 of them reached from a search, so with alternatives; 10 in Spanish too) and their
verdicts from the API. Every path is asked once before it is measured, as by a worker that has
served it (what a worker keeps is kept), but for the "cold" clinic pages and verdicts: 20
clinics never asked before in the process, new ones each round (a worker's first ask), the
verdicts of other clinics than the pages (a page makes its clinic's care times, which the
verdict would then answer from); and, last, 20 clinic pages asked once and then again by a
process that forgot everything it kept, as another worker finds them in the shared cache (run
it with ``--redis-url``, as in production: rendered parts are shared only on Redis). The
function calls per request, counted by cProfile,
hardly move with the machine's load; the CPU medians do, so compare them only with the trivial
view's of the same run.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search  # bench/search.py: the ZIP codes of the first-time searches
import verdict_search  # bench/verdict_search.py: production settings in this process


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="a database bench/search.py built")
    parser.add_argument("--redis-url", help="Redis as the shared cache, as in production (default: the cache table)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--profile",
        choices=["results", "clinic", "api", "clinic-cold", "api-cold"],
        help="print a cProfile of these paths",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    verdict_search.setup_django(args.database_url, args.redis_url)
    from django.core.cache import cache
    from django.test import Client

    # The shared cache outlives a run: emptied, with its generations, nothing an earlier run
    # kept there is served, and a "cold" row is a first ask.
    cache.clear()

    from caretime.directory.models import Clinic

    client = Client(HTTP_HOST="127.0.0.1")
    results = [
        f"/clinics/?near={zip_code}&radius_miles={radius}&discipline=pt" + (f"&page={page}" if page > 1 else "")
        for zip_code, radius, page in itertools.product(search.FIRST_TIME_ZIPS, (15, 20, 25), (1, 2))
    ]
    ids = list(
        Clinic.objects.filter(is_active=True, services__discipline="pt").order_by("id").values_list("id", flat=True)
    )
    # 40 clinics asked before they are measured, and for each round 20 more never asked before
    # (a worker's first ask for a clinic: "cold") for the pages, and 20 others for the verdicts.
    chosen = random.Random(1).sample(ids, 40 + 20 * (args.rounds + 4))
    never_asked = iter(chosen[40 + 20 * n : 60 + 20 * n] for n in itertools.count())
    others = random.Random(2).sample(sorted(set(ids) - set(chosen)), 20 * (args.rounds + 4))
    never_asked_verdicts = iter(others[20 * n : 20 * n + 20] for n in itertools.count())
    clinic = [
        *(f"/clinics/{i}/" for i in chosen[:20]),
        *(f"/clinics/{i}/?near=60614&radius_miles=25" for i in chosen[20:40]),
        *(f"/es/clinics/{i}/" for i in chosen[:10]),
    ]
    paths = {
        "results": results,
        "clinic": clinic,
        "api": [f"/api/v1/clinics/{i}/verdict?discipline=pt" for i in chosen[:40]],
        "trivial": ["/api/v1/health"] * 40,
    }

    def get(path: str) -> None:
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")

    for some in paths.values():
        for path in some:
            get(path)

    def cold() -> dict[str, list[str]]:
        pages, verdicts = next(never_asked), next(never_asked_verdicts)
        return {
            "clinic-cold": [f"/clinics/{i}/" for i in pages],
            "api-cold": [f"/api/v1/clinics/{i}/verdict?discipline=pt" for i in verdicts],
        }

    paths |= cold()
    for name, some in paths.items():
        profile = cProfile.Profile()
        profile.enable()
        for path in some:
            get(path)
        profile.disable()
        print(f"{name:8} function calls per request {pstats.Stats(profile).total_calls / len(some):,.0f}")  # type: ignore[attr-defined]
    for round_number in range(1, args.rounds + 1):
        paths |= cold()
        for name, some in paths.items():
            cpu = []
            for path in some:
                started = time.process_time()
                get(path)
                cpu.append((time.process_time() - started) * 1000)
            print(f"round {round_number} {name:8} median CPU ms per request {statistics.median(cpu):.2f}")
    # A worker's first ask of clinics another worker made: asked once, then everything this
    # process kept forgotten, as a worker that kept nothing finds the shared cache.
    from caretime.core.kept import forget_everything_kept

    timed, counted = cold()["clinic-cold"], cold()["clinic-cold"]
    for path in timed + counted:
        get(path)
    forget_everything_kept()
    get("/api/v1/health")  # what every request reads (the generations) read again
    cpu = []
    for path in timed:
        started = time.process_time()
        get(path)
        cpu.append((time.process_time() - started) * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for path in counted:
        get(path)
    profile.disable()
    calls = pstats.Stats(profile).total_calls / len(counted)  # type: ignore[attr-defined]
    print(
        f"clinic made by another worker: function calls per request {calls:,.0f}, "
        f"median CPU ms per request {statistics.median(cpu):.2f}"
    )
    if args.profile:
        paths |= cold()
        profile = cProfile.Profile()
        profile.enable()
        for path in paths[args.profile]:
            get(path)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(50)


if __name__ == "__main__":
    main()
