"""Verdicts at national scale: the clinic page, the verdict API, alternatives and the results
sorted by verdict, served by gunicorn, against the trivial view measured in the same run.

    .venv/bin/python bench/verdict_search.py --database sqlite
    .venv/bin/python bench/verdict_search.py --database postgres
    .venv/bin/python bench/verdict_search.py --database sqlite --skip-build     # reuse the last build
    .venv/bin/python bench/verdict_search.py --database sqlite --skip-build --in-process

The build (skipped with --skip-build) makes a fresh database of its own (SQLite:
bench/out/verdicts.sqlite3; PostgreSQL: the database of --postgres-url, dropped and created
again): ``manage.py migrate``, then the data build of ``bench/search.py`` (the demo region's
clinics, ``--call-reports`` demo call reports over their therapies, ``rebuild_verdict_sums``),
then ``ANALYZE``.

The measurement uses ``bench/search.py``'s harness: gunicorn with 2 sync workers as in
production, 4 connections in flight from this process, rounds in ABBA order of the trivial
view (GET /api/v1/health) and of each endpoint:

- verdict-api: GET /api/v1/clinics/<id>/verdict?discipline=pt of the 200 clinics nearest 60614;
- clinic-page: the clinic page (/clinics/<id>/) of the same clinics;
- verdict-page: /clinics/<id>/pt/verdict/ of the same clinics;
- alternatives-api: GET /api/v1/clinics/<id>/alternatives?discipline=pt&near=60614 (every
  clinic within 25 miles judged, the 5 best shown);
- page-verdict: results pages sorted by verdict never asked for before (12 central Chicago
  ZIP codes x radii 15 to 35 miles x pages 1 to 3), as in ``bench/search.py``.

Throughput ratio to the trivial view (target >= 0.5) and p95 latency (target <= 25 ms) per
endpoint, written to bench/out/verdicts-<database>.json. With --in-process, the older
measurement instead: the selectors called in this process against the plain search.
See docs/performance.md, "Search with verdicts".
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

import search

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/caretime_bench_verdicts"
ENDPOINTS = ("verdict-api", "clinic-page", "verdict-page", "alternatives-api", "page-verdict")


@dataclass(frozen=True)
class BuildOptions:
    database: str
    clinics: int
    call_reports: int
    seed: int
    sqlite_file: Path
    postgres_url: str

    @staticmethod
    def add_to(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
        parser.add_argument("--clinics", type=int, default=100_000, help="demo clinics (default 100000)")
        parser.add_argument("--call-reports", type=int, default=1_000_000, help="demo call reports (default 1000000)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--sqlite-file", type=Path, default=OUT / "verdicts.sqlite3")
        parser.add_argument(
            "--postgres-url", default=DEFAULT_POSTGRES_URL, help="database to DROP and recreate for the build"
        )
        parser.add_argument("--skip-build", action="store_true", help="reuse the database of an earlier run")

    @classmethod
    def of(cls, args: argparse.Namespace) -> BuildOptions:
        return cls(args.database, args.clinics, args.call_reports, args.seed, args.sqlite_file, args.postgres_url)


def database_url(options: BuildOptions) -> str:
    if options.database == "sqlite":
        return f"sqlite:///{Path(options.sqlite_file).resolve()}"
    return options.postgres_url


def build_database(options: BuildOptions) -> float:
    """Build the database (see the module's docstring); returns the seconds it took."""
    started = time.perf_counter()
    names = argparse.Namespace(
        database=options.database, sqlite_file=options.sqlite_file, postgres_url=options.postgres_url
    )
    search.recreate_database(names)
    env = search.server_environment(database_url(options), None)
    search.manage(env, "migrate", "--no-input")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search.py"),
            f"--database={options.database}",
            f"--clinics={options.clinics}",
            f"--call-reports={options.call_reports}",
            f"--seed={options.seed}",
            "--build-data-only",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    search.manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
    return time.perf_counter() - started


def setup_django(url: str, redis_url: str | None = None) -> None:
    """Production settings for an in-process measurement (DEBUG off: no query log), with Redis
    as the shared cache when ``redis_url`` names one, else the database's cache table."""
    os.environ.update(search.server_environment(url, redis_url))
    if not redis_url:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    BuildOptions.add_to(parser)
    parser.add_argument("--near", default="60614")
    parser.add_argument("--radius-miles", type=int, default=25)
    parser.add_argument("--discipline", default="pt")
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=6, help="rounds per endpoint, alternating (default 6)")
    parser.add_argument("--round-requests", type=int, default=300, help="trivial view requests per round")
    parser.add_argument("--endpoint-requests", type=int, default=100, help="requests per round of each endpoint")
    parser.add_argument("--round-seconds", type=float, default=15.0)
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--in-process", action="store_true", help="call the selectors in this process instead")
    return parser.parse_args(argv)


# --- over HTTP --------------------------------------------------------------------------------


def nearest_clinic_ids(port: int, args: argparse.Namespace) -> list[int]:
    ids: list[int] = []
    for page in range(1, 11):
        query = urlencode(
            {"near": args.near, "radius_miles": args.radius_miles, "discipline": args.discipline, "page": page}
        )
        status, body = search.fetch(port, f"/api/v1/clinics?{query}")
        if status != 200:
            sys.exit(f"The search answered {status}: {body[:300]!r}")
        ids.extend(int(item["id"]) for item in json.loads(body)["items"])
    if not ids:
        sys.exit("No clinic within the radius.")
    return ids


def endpoint_paths(args: argparse.Namespace, port: int) -> dict[str, Iterator[str]]:
    ids = nearest_clinic_ids(port, args)
    d = args.discipline
    near = urlencode({"discipline": d, "near": args.near, "radius_miles": args.radius_miles})
    makers: dict[str, Callable[[], Iterator[str]]] = {
        "verdict-api": lambda: itertools.cycle(f"/api/v1/clinics/{i}/verdict?discipline={d}" for i in ids),
        "clinic-page": lambda: itertools.cycle(f"/clinics/{i}/" for i in ids),
        "verdict-page": lambda: itertools.cycle(f"/clinics/{i}/{d}/verdict/" for i in ids),
        "alternatives-api": lambda: itertools.cycle(f"/api/v1/clinics/{i}/alternatives?{near}" for i in ids),
        "page-verdict": lambda: search.first_time_searches(args, "/clinics/", sort="verdict"),
    }
    wanted = [name.strip() for name in args.endpoints.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in makers]
    if unknown:
        sys.exit(f"--endpoints: unknown {', '.join(unknown)}; choose from {', '.join(makers)}.")
    return {"trivial": itertools.repeat(search.TRIVIAL_PATH)} | {name: makers[name]() for name in wanted}


def measure_http(args: argparse.Namespace, url: str) -> None:
    env = search.server_environment(url, None)
    search.manage(env, "migrate", "--no-input")
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with search.gunicorn(env, args.server_workers, OUT / f"gunicorn-verdicts-{args.database}.log") as server:
        paths = endpoint_paths(args, server.port)
        for name, found in paths.items():  # warm-up, not measured
            warm = list(itertools.islice(found, 40)) if name != "page-verdict" else []
            search.drive(server.port, iter(warm), len(warm), args.concurrency, args.round_seconds)
        samples = {name: search.Sample() for name in paths}
        loads: list[float] = []
        for number in range(args.rounds):
            order = list(paths) if number % 2 == 0 else list(reversed(paths))  # ABBA
            for name in order:
                count = args.round_requests if name == "trivial" else args.endpoint_requests
                cpu_before = server.worker_cpu_seconds()
                got = search.drive(server.port, paths[name], count, args.concurrency, args.round_seconds)
                samples[name].server_cpu_seconds += server.worker_cpu_seconds() - cpu_before
                samples[name].latencies.extend(got.latencies)
                samples[name].wall_seconds += got.wall_seconds
            loads.append(os.getloadavg()[0])
    results = {name: search.Figures.of(sample) for name, sample in samples.items()}
    trivial = results["trivial"]
    print(
        f"\n{args.database}, {args.clinics:,} clinics, {args.call_reports:,} call reports, gunicorn "
        f"{args.server_workers} sync workers, {args.concurrency} connections, {os.cpu_count()} CPUs"
    )
    print(f"{'endpoint':<17} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms/req':>10} {'ratio':>6}")
    ratios = {}
    for name, figures in results.items():
        ratios[name] = figures.per_second / trivial.per_second
        met = "" if name == "trivial" else ("met" if ratios[name] >= 0.5 and figures.p95_ms <= 25 else "NOT met")
        print(
            f"{name:<17} {figures.requests:>8} {figures.per_second:>8.0f} {figures.p50_ms:>7.1f} {figures.p95_ms:>7.1f}"
            f" {figures.server_cpu_ms:>10.2f} {ratios[name]:>6.2f}  {met}"
        )
    load_after = os.getloadavg()[0]
    print(
        f"load average (1 min) before/after: {load_before:.1f} / {load_after:.1f}; rounds {min(loads):.1f}-{max(loads):.1f}"
    )
    record = {
        "database": args.database,
        "clinics": args.clinics,
        "call_reports": args.call_reports,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "ratios": ratios,
        "endpoints": {name: asdict(figures) for name, figures in results.items()},
        "load_average": {"before": load_before, "after": load_after, "rounds": loads},
    }
    (OUT / f"verdicts-{args.database}.json").write_text(json.dumps(record, indent=2) + "\n")


# --- in this process --------------------------------------------------------------------------

IN_PROCESS_ROUNDS = 40


def timed(action: Callable[[], object]) -> tuple[float, float]:
    action()  # warm the caches once
    samples = []
    for _ in range(IN_PROCESS_ROUNDS):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(0.95 * len(samples)) - 1)]


def measure_in_process(url: str) -> None:
    setup_django(url)
    from django.utils import timezone

    from caretime.core.places import resolve_place
    from caretime.core.verdict import Bar
    from caretime.directory.models import Clinic
    from caretime.directory.selectors import ClinicSearch, search_clinics
    from caretime.reports.models import CallReport
    from caretime.verdicts.selectors import alternatives_for, search_with_verdicts

    today = timezone.now().date()
    center = resolve_place("60614").point
    print(
        f"clinics {Clinic.objects.count():,}, call reports {CallReport.objects.count():,}, rounds {IN_PROCESS_ROUNDS}"
    )
    for discipline in ("pt", None):
        query = ClinicSearch(center=center, radius_miles=25, discipline=discipline)
        total = search_clinics(query).total
        base_median, base_p95 = timed(functools.partial(search_clinics, query))
        print(f"\nnear 60614, 25 miles, therapy {discipline or 'any'}: {total:,} clinics in the radius")
        print(f"  {'plain search (baseline)':34} median {base_median:7.1f} ms  p95 {base_p95:7.1f} ms  1.00x")
        for label, only in (("with verdicts, meeting the bar first", False), ("only those meeting the bar", True)):
            median, p95 = timed(
                functools.partial(search_with_verdicts, query, bar=Bar(), as_of=today, only_meeting=only)
            )
            print(f"  {label:34} median {median:7.1f} ms  p95 {p95:7.1f} ms  {median / base_median:.2f}x")
    clinic = Clinic.objects.filter(latitude__range=(41.85, 41.95), longitude__range=(-87.70, -87.60)).first()
    if clinic is not None:
        median, p95 = timed(
            lambda: alternatives_for(clinic=clinic, discipline="pt", bar=Bar(), radius_miles=25, as_of=today)
        )
        print(f"\n  {'alternatives within 25 miles':34} median {median:7.1f} ms  p95 {p95:7.1f} ms")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    options = BuildOptions.of(args)
    if not args.skip_build:
        print(f"build: {build_database(options):.0f} s", flush=True)
    if args.in_process:
        measure_in_process(database_url(options))
    else:
        measure_http(args, database_url(options))


if __name__ == "__main__":
    main()
