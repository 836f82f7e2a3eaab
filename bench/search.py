"""Search benchmark: the radius search (API and results pages), clinic pages, the verdict API, a
visit report's write and the rebuild of the derived tables, against baselines measured in the
same run, on SQLite, PostgreSQL or both in one run; judged against the targets of issue 30.

    .venv/bin/python bench/search.py --database both --clinics 100000
    .venv/bin/python bench/search.py --database sqlite --clinics 100000 --skip-build

Builds a fresh database per database measured: the demo region's clinics, ``--call-reports``
demo call reports (10 a clinic by default) and the realistic mix of the other evidence from the
project's own demo builders (visit reports, worker reports published as workplace figures,
reviews, billing figures for a third of the clinics), then ``rebuild_derived``; each part is
timed and the mix's counts printed. It serves the database with gunicorn as in production
(DEBUG off, sync workers, deploy/gunicorn.conf.py: each worker builds its index of the
directory as it starts, and logs each request) on 127.0.0.1 and drives load from this process
over loopback.
Rounds of the trivial view (GET /api/v1/health), of a repeated API search, of API searches
never made before, of results pages never asked for before (nearest first, and meeting the bar
only), of clinic pages and of the verdict API alternate, so whatever else the shared machine is
doing hits all alike; every round is printed with the load average after it. With the server
stopped, a process of its own times a visit report's write and the rebuild of the derived
tables (bench/derived_writes.py; "not measured" where it is missing). Then one table: every
target, on every database measured, met or NOT met (bench/targets.py). Everything, each round
too, is written to bench/out/search-<database>.json (search-both.json for both). See
docs/performance.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import importlib
import itertools
import json
import math
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import psycopg
import redis
from psycopg import sql
from targets import DATABASE_NAMES, targets_table

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/caretime_bench"

TRIVIAL_PATH = "/api/v1/health"
# Central Chicago ZIP codes, for searches the cache has not seen.
FIRST_TIME_ZIPS = (
    "60601",
    "60602",
    "60603",
    "60604",
    "60605",
    "60606",
    "60607",
    "60610",
    "60611",
    "60614",
    "60622",
    "60654",
)
CALL_REPORTS_PER_CLINIC = 10  # 1,000,000 call reports for 100,000 clinics, as the targets are set
# What is measured besides the trivial view: the repeated API search (answered from the cache
# after the first time), API searches never made before, results pages with verdicts never
# asked for before (meeting the bar first, and only those), clinic pages and the verdict API.
ENDPOINTS = ("search", "first-time", "page-nearest", "page-verdict", "clinic-page", "verdict-api")
T = TypeVar("T")


@dataclass
class Sample:
    """Latencies (seconds) and the wall time of the rounds they were taken in."""

    latencies: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0
    server_cpu_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.wall_seconds if self.wall_seconds else 0.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile."""
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(percent / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


@dataclass(frozen=True)
class Figures:
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    server_cpu_ms: float  # CPU time of the gunicorn workers per request (not the database server's)

    @classmethod
    def of(cls, sample: Sample) -> Figures:
        return cls(
            sample.requests,
            sample.per_second,
            sample.percentile_ms(50),
            sample.percentile_ms(95),
            sample.server_cpu_seconds * 1000 / sample.requests,
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        required=True,
        help="both: SQLite, then PostgreSQL, each on a database of its own, and one table of the targets",
    )
    parser.add_argument("--clinics", type=int, default=100_000, help="demo clinics to load (default 100000)")
    parser.add_argument(
        "--call-reports",
        type=int,
        help="demo call reports to write (default: 10 per clinic, 1,000,000 for 100,000 clinics)",
    )
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        default=OUT / "search.sqlite3",
        help="the SQLite database to build or reuse (default bench/out/search.sqlite3)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help=f"database to DROP and recreate for the run (default {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument("--near", default="60614", help="ZIP code the search is centred on (default 60614, Chicago)")
    parser.add_argument("--radius-miles", type=int, default=25)
    parser.add_argument("--discipline", default="pt")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--concurrency", type=int, default=4, help="client connections in flight (default 4)")
    parser.add_argument("--rounds", type=int, default=8, help="rounds per endpoint, alternating (default 8)")
    parser.add_argument("--round-requests", type=int, default=400, help="requests per round (default 400)")
    parser.add_argument("--round-seconds", type=float, default=15.0, help="time limit of one round (default 15)")
    parser.add_argument(
        "--first-time-requests",
        type=int,
        default=60,
        help="requests per round of searches never made before in the run, and of clinic pages (default 60)",
    )
    parser.add_argument(
        "--endpoints",
        default=",".join(ENDPOINTS),
        help=f"what to measure besides the trivial view, comma-separated (default {','.join(ENDPOINTS)})",
    )
    parser.add_argument(
        "--redis-url",
        help="use Redis as the shared cache, as in production (e.g. redis://127.0.0.1:6379/15); "
        "default: the database cache table",
    )
    parser.add_argument("--warmup-requests", type=int, default=100, help="per endpoint, not measured (default 100)")
    parser.add_argument(
        "--skip-build", action="store_true", help="reuse the database of an earlier run instead of rebuilding it"
    )
    parser.add_argument("--writes", type=int, default=300, help="visit reports written to time a write (default 300)")
    parser.add_argument(
        "--skip-writes", action="store_true", help="measure neither a visit report's write nor the rebuild"
    )
    parser.add_argument(
        "--rebuild-rounds", type=int, default=2, help="rebuilds of the derived tables timed (default 2)"
    )
    parser.add_argument("--build-data-only", action="store_true", help=argparse.SUPPRESS)  # the build's own process
    parser.add_argument(
        "--json",
        type=Path,
        help="where to write the figures (default bench/out/search-<database>.json; with both, search-both.json)",
    )
    args = parser.parse_args(argv)
    args.databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if args.database == "both" and args.build_data_only:
        parser.error("the build's own process builds one database")
    return args


def database_url(args: argparse.Namespace) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{Path(args.sqlite_file).resolve()}"
    return str(args.postgres_url)


def server_environment(url: str, redis_url: str | None) -> dict[str, str]:
    """Production settings: DEBUG off, a real secret, plain HTTP on loopback."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_hex(32),
        WORKER_REPORT_KEY="bench-" + secrets.token_hex(32),
        MFA_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="false",  # pages name the stylesheets as they are, without collectstatic
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *command: str) -> float:
    """Run a management command; return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def recreate_database(args: argparse.Namespace) -> None:
    if args.database == "sqlite":
        sqlite_file = Path(args.sqlite_file).resolve()
        for path in sqlite_file.parent.glob(sqlite_file.name + "*"):
            path.unlink()
        return
    parts = urlsplit(args.postgres_url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        sys.exit(f"--postgres-url must name a database of its own to drop and recreate, not {name!r}.")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    port: int
    pid: int

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the processes whose parent is the master."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.pid:
                    found.append(int(stat.parent.name))
        return found

    def worker_cpu_seconds(self) -> float:
        """User plus system CPU time of the workers so far (Linux /proc)."""
        ticks = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path) -> Iterator[Server]:
    """Serve caretime with gunicorn on a free loopback port; stop it on the way out."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        # Production's settings: each worker builds its index of the directory as it starts,
        # before its first request (post_worker_init), and logs each request as there.
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "caretime.wsgi",
        f"--workers={workers}",
        "--threads=1",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180  # each worker builds its indexes first: slow on a busy machine
            while True:
                if server.poll() is not None:
                    sys.exit(f"gunicorn exited with {server.returncode}; see {log}")
                try:
                    status, _ = fetch(port, TRIVIAL_PATH)
                    if status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not answer within 3 minutes; see {log}")
                time.sleep(0.2)
            yield Server(port, server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def drive(port: int, paths: Iterator[str], requests: int, concurrency: int, seconds: float) -> Sample:
    """Send ``requests`` GETs from ``concurrency`` connections (or stop after ``seconds``).

    Each client keeps its connection open when the server allows it; gunicorn's sync
    workers close after every response (as behind a proxy), and http.client reconnects.
    """
    sample = Sample()
    lock = threading.Lock()
    remaining = [requests]
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        break
                    remaining[0] -= 1
                    path = next(paths)
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200:
                    failures.append(f"{path} answered {response.status}")
                    break
        finally:
            connection.close()
            with lock:
                sample.latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.wall_seconds = time.perf_counter() - started
    if failures:
        sys.exit(f"The benchmark stopped: {failures[0]}.")
    return sample


def first_time_searches(args: argparse.Namespace, path: str = "/api/v1/clinics", **extra: str) -> Iterator[str]:
    """Searches that no one made before in this run, so none is answered from the cache:
    nearby ZIP codes, radii around the one measured, and the first three pages."""
    for near, radius, page in itertools.product(
        FIRST_TIME_ZIPS, range(args.radius_miles - 10, args.radius_miles + 11), (1, 2, 3)
    ):
        query = urlencode({"near": near, "radius_miles": radius, "discipline": args.discipline, "page": page, **extra})
        yield f"{path}?{query}"


def clinic_pages(port: int, args: argparse.Namespace, verdicts: bool = False) -> Iterator[str]:
    """The pages of the 200 clinics nearest the search's centre, over and over (with
    ``verdicts``, their verdicts from the API for the therapy searched)."""
    paths: list[str] = []
    for page in range(1, 11):
        query = urlencode(
            {"near": args.near, "radius_miles": args.radius_miles, "discipline": args.discipline, "page": page}
        )
        status, body = fetch(port, f"/api/v1/clinics?{query}")
        if status != 200:
            sys.exit(f"The search answered {status}: {body[:300]!r}")
        items = json.loads(body)["items"]
        if verdicts:
            paths.extend(f"/api/v1/clinics/{item['id']}/verdict?discipline={args.discipline}" for item in items)
        else:
            paths.extend(item["url"] for item in items)
    if not paths:
        sys.exit("No clinic within the radius: nothing to show a clinic page of.")
    return itertools.cycle(paths)


def endpoint_paths(args: argparse.Namespace, port: int, search_path: str) -> dict[str, Iterator[str]]:
    makers: dict[str, Callable[[], Iterator[str]]] = {
        "search": lambda: itertools.repeat(search_path),
        "first-time": lambda: first_time_searches(args),
        "page-nearest": lambda: first_time_searches(args, "/clinics/"),
        "page-verdict": lambda: first_time_searches(args, "/clinics/", meets_bar="1"),
        "clinic-page": lambda: clinic_pages(port, args),
        "verdict-api": lambda: clinic_pages(port, args, verdicts=True),
    }
    wanted = [name.strip() for name in args.endpoints.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in makers]
    if unknown:
        sys.exit(f"--endpoints: unknown {', '.join(unknown)}; choose from {', '.join(makers)}.")
    return {"trivial": itertools.repeat(TRIVIAL_PATH)} | {name: makers[name]() for name in wanted}


def measure(
    args: argparse.Namespace, server: Server, search_path: str
) -> tuple[dict[str, Sample], list[dict[str, Any]]]:
    """Each endpoint's sample pooled over the rounds, and every round: its figures per endpoint
    and the load average (1 min) after it, printed as it ends."""
    port = server.port
    status, body = fetch(port, search_path)
    if status != 200:
        sys.exit(f"The search answered {status}: {body[:300]!r}")
    answer = json.loads(body)
    args.clinics_in_radius = answer["total"]
    print(
        f"Search check: {answer['total']} clinics within {args.radius_miles} miles of {answer['near']}, "
        f"{len(answer['items'])} on the page, nearest {answer['items'][0]['distance_miles'] if answer['items'] else '-'} mi"
    )
    paths = endpoint_paths(args, port, search_path)
    # Warm-up: the repeated ones as often as asked; of those that must not repeat, a few that
    # the rounds will not ask for again (another page number).
    for name in ("trivial", "search"):
        if name in paths:
            drive(
                port,
                itertools.repeat(TRIVIAL_PATH if name == "trivial" else search_path),
                args.warmup_requests,
                args.concurrency,
                args.round_seconds,
            )
    for path in ("/clinics/", "/api/v1/clinics"):
        warm = urlencode(
            {"near": args.near, "radius_miles": args.radius_miles, "discipline": args.discipline, "page": 9}
        )
        drive(port, itertools.repeat(f"{path}?{warm}"), 4, 1, args.round_seconds)
    samples = {name: Sample() for name in paths}
    rounds: list[dict[str, Any]] = []
    repeated = {"trivial", "search"}
    for round_number in range(args.rounds):
        # ABBA order, so a slow drift in the machine's load falls on every endpoint alike.
        order = list(paths)
        if round_number % 2:
            order.reverse()
        this_round: dict[str, Figures] = {}
        for name in order:
            count = args.round_requests if name in repeated else args.first_time_requests
            cpu_before = server.worker_cpu_seconds()
            got = drive(port, paths[name], count, args.concurrency, args.round_seconds)
            got.server_cpu_seconds = server.worker_cpu_seconds() - cpu_before
            this_round[name] = Figures.of(got)
            samples[name].server_cpu_seconds += got.server_cpu_seconds
            samples[name].latencies.extend(got.latencies)
            samples[name].wall_seconds += got.wall_seconds
        load = os.getloadavg()[0]
        rounds.append({"load_average": load, "endpoints": {name: asdict(this_round[name]) for name in paths}})
        print(round_line(round_number + 1, this_round, load), flush=True)
    return samples, rounds


def round_line(number: int, figures: dict[str, Figures], load: float) -> str:
    """One round's figures, each endpoint's throughput, p95 and worker CPU per request."""
    trivial = figures.get("trivial")
    parts = []
    for name, got in figures.items():
        ratio = f" {got.per_second / trivial.per_second:.2f}x" if trivial and trivial.per_second else ""
        parts.append(f"{name} {got.per_second:.0f}/s{ratio} p95 {got.p95_ms:.1f} CPU {got.server_cpu_ms:.2f}")
    return f"round {number} (load {load:.2f}): " + "; ".join(parts)


def report(args: argparse.Namespace, results: dict[str, Figures]) -> dict[str, Any]:
    """The pooled figures of every endpoint, printed and returned as the record's core."""
    trivial = results["trivial"]
    print()
    print(
        f"{args.database}, {args.clinics:,} demo clinics, gunicorn {args.server_workers} sync workers, "
        f"{args.concurrency} client connections, {os.cpu_count()} CPUs, "
        f"cache: {'Redis' if args.redis_url else 'database table'}, all {args.rounds} rounds pooled"
    )
    print(
        f"{'endpoint':<13} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'worker CPU ms/req':>18}"
        f" {'ratio':>6}"
    )
    ratios: dict[str, float] = {}
    for name, figures in results.items():
        ratios[name] = figures.per_second / trivial.per_second
        print(
            f"{name:<13} {figures.requests:>9} {figures.per_second:>9.0f} {figures.p50_ms:>8.1f} {figures.p95_ms:>8.1f}"
            f" {figures.server_cpu_ms:>18.2f} {ratios[name]:>6.2f}"
        )
    return {
        "database": args.database,
        "clinics": args.clinics,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "server_workers": args.server_workers,
        "concurrency": args.concurrency,
        "clinics_in_radius": args.clinics_in_radius,
        "ratios": ratios,
        "endpoints": {name: asdict(figures) for name, figures in results.items()},
    }


def build_data(clinics: int, call_reports: int, seed: int, record: Path) -> None:
    """In this process (Django set up on DATABASE_URL): the demo region's clinics, ``call_reports``
    demo call reports spread over their therapies, and the realistic mix of the other evidence
    from the project's own demo builders (visit reports, worker reports published in the monthly
    batches as workplace figures, reviews, billing figures for a third of the clinics), then the
    derived tables. Each part is timed; the counts and times are written to ``record``."""
    from django.db import connection
    from django.utils import timezone

    from caretime.billing.demo import build_demo_billing
    from caretime.directory.demo import build_demo_region
    from caretime.reports.demo import build_demo_visit_reports
    from caretime.reviews.demo import build_demo_reviews
    from caretime.verdicts.derived import rebuild_derived
    from caretime.workplace.demo import build_demo_worker_reports
    from caretime.workplace.models import WorkplaceFigures

    today = timezone.now().date()
    seconds: dict[str, float] = {}

    def timed(part: str, build: Callable[[], T]) -> T:
        started = time.perf_counter()
        built = build()
        seconds[part] = time.perf_counter() - started
        print(f"  {part}: {seconds[part]:.1f} s", flush=True)
        return built

    summary = timed("clinics", lambda: build_demo_region(seed=seed, clinics=clinics))
    calls = timed("call reports", lambda: write_call_reports(call_reports, seed, today))
    visits = timed("visit reports", lambda: build_demo_visit_reports(seed=seed, today=today))
    workers = timed("worker reports, 12 monthly batches", lambda: build_demo_worker_reports(seed=seed, today=today))
    reviews = timed("reviews", lambda: build_demo_reviews(seed=seed, today=today))
    billing = timed("billing, a third of the clinics", lambda: build_demo_billing(seed=seed, clinics=clinics // 3))
    with connection.cursor() as cursor:
        # The planner's figures for every table loaded in bulk, as production's autovacuum
        # would keep them (it is off on this machine); rebuild_derived then keeps its own.
        cursor.execute("ANALYZE")
    rebuilt = timed("derived tables (rebuild_derived)", rebuild_derived)
    counts = {
        "clinics": summary.clinics,
        "call_reports": calls,
        "visit_reports": visits,
        "worker_reports": workers,
        "workplace_figures": WorkplaceFigures.objects.count(),
        "reviews": reviews,
        "billing_clinicians": billing.clinicians,
        "billing_clinics": billing.clinics,
        "care_time_rows": rebuilt.care_time_rows,
        "verdict_sums_rows": rebuilt.verdict_sums_rows,
    }
    print("the mix: " + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items()))
    record.write_text(json.dumps({"counts": counts, "seconds": seconds}, indent=2) + "\n")


def write_call_reports(call_reports: int, seed: int, today: date) -> int:
    """``call_reports`` demo call reports over the demo therapies, as the demo spreads them: one
    clinic in five has none, the others' therapies share the rest (more than the demo's 1-3 a
    therapy, which is what the targets are set at)."""
    import random

    from django.db import transaction

    from caretime.reports.demo import demo_call_report
    from caretime.reports.models import CallReport
    from caretime.shared.demo import demo_services

    services = list(demo_services(seed))
    rng = random.Random(f"{seed}:bench-calls")
    pending: list[CallReport] = []
    written = 0
    CallReport.objects.filter(is_demo=True).delete()
    called = [service for service in services if random.Random(f"{seed}:silent:{service[2]}").random() >= 0.2]
    for number in range(call_reports):
        clinic_id, discipline, _, profile = (
            called[rng.randrange(len(called))] if number >= len(called) else called[number]
        )
        pending.append(demo_call_report(clinic_id, discipline, profile, rng, today))
        if len(pending) >= 5_000 or number == call_reports - 1:
            with transaction.atomic():
                CallReport.objects.bulk_create(pending)
            written += len(pending)
            pending = []
    return written


def build_record_path(url: str) -> Path:
    """Where the build writes its mix's counts and times: next to the SQLite file it built, or
    bench/out/build-<name>.json for a PostgreSQL database (known by its URL alone, so that
    every caller of the build, bench/verdict_search.py too, finds it)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        sqlite_file = Path(url.removeprefix("sqlite:///"))
        return sqlite_file.with_name(sqlite_file.name + ".build.json")
    return OUT / f"build-{parts.path.lstrip('/')}.json"


def call_reports(args: argparse.Namespace) -> int:
    return int(args.call_reports if args.call_reports is not None else CALL_REPORTS_PER_CLINIC * args.clinics)


def writes_and_rebuild(args: argparse.Namespace) -> dict[str, Any]:
    """A visit report's write and the rebuild of the derived tables, by bench/derived_writes.py
    (each in a process of its own with the database's production settings, on a copy of it),
    with the server stopped; None each where that module is missing."""
    try:
        derived_writes = importlib.import_module("derived_writes")
    except ModuleNotFoundError as missing:
        if missing.name != "derived_writes":
            raise
        print("bench/derived_writes.py is missing: a visit report's write and the rebuild are not measured")
        return {"writes": None, "rebuild": None}
    url = database_url(args)
    writes: dict[str, Any] = derived_writes.measure_visit_writes(url, writes=args.writes, redis_url=args.redis_url)
    print(
        f"a visit report's write, {writes['writes']} of them: p50 {writes['p50_ms']:.1f} ms, "
        f"p95 {writes['p95_ms']:.1f} ms, p99 {writes['p99_ms']:.1f} ms (baseline p99 {writes['baseline_p99_ms']:.1f} ms)",
        flush=True,
    )
    rebuild: dict[str, Any] = derived_writes.measure_rebuild(url, rounds=args.rebuild_rounds, redis_url=args.redis_url)
    print(
        f"rebuilding the derived tables: {rebuild['rebuild_s']:.2f} s, a plain aggregate over the same rows "
        f"{rebuild['aggregate_s']:.2f} s: {rebuild['ratio']:.2f}x",
        flush=True,
    )
    return {"writes": writes, "rebuild": rebuild}


def build(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """Start building one database afresh (the schema, then ``build_data`` in a process of its
    own); its output goes to bench/out/build-<database>.log, printed when it is done."""
    recreate_database(args)
    env = server_environment(database_url(args), args.redis_url)
    build_args = [f"--clinics={args.clinics}", f"--call-reports={call_reports(args)}", f"--seed={args.seed}"]
    script = f"{shlex.quote(sys.executable)} manage.py migrate --no-input > /dev/null && " + shlex.join(
        [sys.executable, __file__, "--database", args.database, *build_args, "--build-data-only"]
    )
    with (OUT / f"build-{args.database}.log").open("w") as log:
        return subprocess.Popen(["/bin/sh", "-c", script], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def build_all(args: argparse.Namespace) -> dict[str, float]:
    """Build every database measured at once: each build is one busy process (PostgreSQL's
    shared with its server), so two take little more than one on two cores. The seconds each
    took."""
    started = time.perf_counter()
    running = {database: build(with_database(args, database)) for database in args.databases}
    seconds = {}
    for database, process in running.items():
        process.wait()
        seconds[database] = time.perf_counter() - started
        print(f"\n--- building {DATABASE_NAMES[database]} ({seconds[database]:.1f} s)")
        print((OUT / f"build-{database}.log").read_text(), end="", flush=True)
        if process.returncode:
            sys.exit(f"Building {DATABASE_NAMES[database]} failed; see bench/out/build-{database}.log")
    return seconds


def with_database(args: argparse.Namespace, database: str) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "database": database})


def run_database(args: argparse.Namespace, command: str, build_seconds: float | None) -> dict[str, Any]:
    """Serve and measure one database (built already); its record, also written to
    bench/out/search-<database>.json (or --json when one database is measured)."""
    print(f"\n=== {DATABASE_NAMES[args.database]}", flush=True)
    env = server_environment(database_url(args), args.redis_url)
    manage(env, "migrate", "--no-input")  # code newer than a database reused may need new tables
    built = build_record_path(database_url(args))
    mix = json.loads(built.read_text()) if built.exists() else None
    if mix is None:
        print(f"No record of the build ({built}): the database may predate the mix; build it again to be sure.")
    # A new directory generation: no answer cached by an earlier run can be served (nor, with
    # Redis, which outlives a run and serves both databases, anything an earlier run kept there).
    if args.redis_url:
        redis.Redis.from_url(args.redis_url).flushdb()
    manage(env, "shell", "-c", "from caretime.directory.search_cache import directory_changed; directory_changed()")
    query = urlencode({"near": args.near, "radius_miles": args.radius_miles, "discipline": args.discipline})
    search_path = f"/api/v1/clinics?{query}"
    load_before = os.getloadavg()[0]
    print(f"load average (1 min) before the measurement: {load_before:.2f}")
    with gunicorn(env, args.server_workers, OUT / f"gunicorn-{args.database}.log") as server:
        samples, rounds = measure(args, server, search_path)
    load_after = os.getloadavg()[0]
    results = {name: Figures.of(sample) for name, sample in samples.items()}
    record = {"command": command, **report(args, results)}
    loads = [float(one["load_average"]) for one in rounds]
    # The machine is shared: the load average says how busy it was besides this run.
    print(
        f"load average (1 min) before/after the measurement: {load_before:.2f} / {load_after:.2f}; "
        f"after each round: {', '.join(f'{load:.2f}' for load in loads)}"
    )
    record.update(
        build_seconds=build_seconds,
        mix=mix,
        rounds=rounds,
        load_average={"before": load_before, "after": load_after, "rounds": loads, "during": (min(loads), max(loads))},
    )
    record.update(writes_and_rebuild(args) if not args.skip_writes else {"writes": None, "rebuild": None})
    record["load_average"]["after_writes"] = os.getloadavg()[0]
    cache_name = "-redis" if args.redis_url else ""
    single = args.json if args.json and args.databases == [args.database] else None
    (single or OUT / f"search-{args.database}{cache_name}.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.build_data_only:
        setup_django()
        build_data(args.clinics, call_reports(args), args.seed, build_record_path(os.environ["DATABASE_URL"]))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    command = " ".join([".venv/bin/python bench/search.py", *(sys.argv[1:] if argv is None else argv)])
    print(f"command: {command}")
    build_seconds = {} if args.skip_build else build_all(args)
    records = {}
    for database in args.databases:
        records[database] = run_database(with_database(args, database), command, build_seconds.get(database))
    text = targets_table(records)
    print(f"\nThe targets of issue 30, {args.clinics:,} clinics (command: {command})\n")
    print(text)
    print(f"load average (1 min) now: {os.getloadavg()[0]:.2f}")
    if len(records) > 1:
        combined = {"command": command, "databases": records, "targets": text}
        (args.json or OUT / "search-both.json").write_text(json.dumps(combined, indent=2) + "\n")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


if __name__ == "__main__":
    main()
