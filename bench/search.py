"""Search endpoint benchmark: the radius search against a trivial JSON view, in one run.

    .venv/bin/python bench/search.py --database sqlite --clinics 100000
    .venv/bin/python bench/search.py --database postgres --clinics 100000

Builds a fresh database with the demo region (timing ``load_demo``), serves it with
gunicorn as in production (DEBUG off, sync workers) on 127.0.0.1, and drives load from
this process over loopback. Rounds of the trivial view (GET /api/v1/health) and of the
search alternate, so whatever else the shared machine is doing hits both; the figure
that counts is the ratio of their throughputs. Results are printed as a table and
written to bench/out/search-<database>.json. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from psycopg import sql

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
RATIO_TARGET = 0.5
P95_TARGET_MS = 25.0


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
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--clinics", type=int, default=100_000, help="demo clinics to load (default 100000)")
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
        help="requests per round of searches never made before in the run (default 60)",
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
    return parser.parse_args(argv)


def database_url(args: argparse.Namespace) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{OUT / 'search.sqlite3'}"
    return str(args.postgres_url)


def server_environment(url: str, redis_url: str | None) -> dict[str, str]:
    """Production settings: DEBUG off, a real secret, plain HTTP on loopback."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_hex(32),
        WORKER_REPORT_KEY="bench-" + secrets.token_hex(32),
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1",
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
        for path in OUT.glob("search.sqlite3*"):
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
        "caretime.wsgi",
        f"--workers={workers}",
        "--threads=1",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
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
                    sys.exit(f"gunicorn did not answer within a minute; see {log}")
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


def first_time_searches(args: argparse.Namespace) -> Iterator[str]:
    """Searches that no one made before in this run, so none is answered from the cache:
    nearby ZIP codes, radii around the one measured, and the first three pages."""
    for near, radius, page in itertools.product(
        FIRST_TIME_ZIPS, range(args.radius_miles - 10, args.radius_miles + 11), (1, 2, 3)
    ):
        query = urlencode({"near": near, "radius_miles": radius, "discipline": args.discipline, "page": page})
        yield f"/api/v1/clinics?{query}"


def measure(args: argparse.Namespace, server: Server, search_path: str) -> dict[str, Sample]:
    port = server.port
    status, body = fetch(port, search_path)
    if status != 200:
        sys.exit(f"The search answered {status}: {body[:300]!r}")
    answer = json.loads(body)
    print(
        f"Search check: {answer['total']} clinics within {args.radius_miles} miles of {answer['near']}, "
        f"{len(answer['items'])} on the page, nearest {answer['items'][0]['distance_miles'] if answer['items'] else '-'} mi"
    )
    for path in (TRIVIAL_PATH, search_path):
        drive(port, itertools.repeat(path), args.warmup_requests, args.concurrency, args.round_seconds)
    samples = {"trivial": Sample(), "search": Sample(), "first-time": Sample()}
    paths = {
        "trivial": itertools.repeat(TRIVIAL_PATH),
        "search": itertools.repeat(search_path),
        "first-time": first_time_searches(args),
    }
    requests = {"trivial": args.round_requests, "search": args.round_requests, "first-time": args.first_time_requests}
    for round_number in range(args.rounds):
        # ABBA order, so a slow drift in the machine's load falls on every endpoint alike.
        order = ["trivial", "search", "first-time"]
        if round_number % 2:
            order.reverse()
        for name in order:
            cpu_before = server.worker_cpu_seconds()
            got = drive(port, paths[name], requests[name], args.concurrency, args.round_seconds)
            samples[name].server_cpu_seconds += server.worker_cpu_seconds() - cpu_before
            samples[name].latencies.extend(got.latencies)
            samples[name].wall_seconds += got.wall_seconds
    return samples


def report(args: argparse.Namespace, results: dict[str, Figures], build_seconds: float | None) -> dict[str, object]:
    trivial, search = results["trivial"], results["search"]
    ratio = search.per_second / trivial.per_second
    print()
    print(
        f"{args.database}, {args.clinics:,} demo clinics, gunicorn {args.server_workers} sync workers, "
        f"{args.concurrency} client connections, {os.cpu_count()} CPUs, "
        f"cache: {'Redis' if args.redis_url else 'database table'}"
    )
    print(f"{'endpoint':<10} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'worker CPU ms/req':>18}")
    for name, figures in results.items():
        print(
            f"{name:<10} {figures.requests:>9} {figures.per_second:>9.0f} {figures.p50_ms:>8.1f} {figures.p95_ms:>8.1f}"
            f" {figures.server_cpu_ms:>18.2f}"
        )
    ratio_met = ratio >= RATIO_TARGET
    p95_met = search.p95_ms <= P95_TARGET_MS
    print(f"ratio search/trivial (req/s): {ratio:.2f}  (target >= {RATIO_TARGET}: {'met' if ratio_met else 'NOT met'})")
    print(f"search p95: {search.p95_ms:.1f} ms  (target <= {P95_TARGET_MS:.0f} ms: {'met' if p95_met else 'NOT met'})")
    first_time = results["first-time"]
    first_time_ratio = first_time.per_second / trivial.per_second
    print(
        f"searches not seen before (no cache): ratio {first_time_ratio:.2f}, "
        f"p50 {first_time.p50_ms:.1f} ms, p95 {first_time.p95_ms:.1f} ms"
    )
    if build_seconds is not None:
        print(f"load_demo --clinics {args.clinics}: {build_seconds:.0f} s")
    return {
        "database": args.database,
        "clinics": args.clinics,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "server_workers": args.server_workers,
        "concurrency": args.concurrency,
        "load_demo_seconds": build_seconds,
        "ratio": ratio,
        "first_time_ratio": first_time_ratio,
        "ratio_target_met": ratio_met,
        "p95_target_met": p95_met,
        "endpoints": {name: asdict(figures) for name, figures in results.items()},
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    env = server_environment(database_url(args), args.redis_url)
    build_seconds: float | None = None
    if not args.skip_build:
        recreate_database(args)
        migrate_seconds = manage(env, "migrate", "--no-input")
        print(f"migrate: {migrate_seconds:.1f} s")
        build_seconds = manage(env, "load_demo", f"--clinics={args.clinics}", f"--seed={args.seed}")
        print(f"load_demo --clinics {args.clinics}: {build_seconds:.1f} s")
    # A new directory generation: no answer cached by an earlier run can be served.
    manage(env, "shell", "-c", "from caretime.directory.search_cache import directory_changed; directory_changed()")
    query = urlencode({"near": args.near, "radius_miles": args.radius_miles, "discipline": args.discipline})
    search_path = f"/api/v1/clinics?{query}"
    load_before = os.getloadavg()[0]
    with gunicorn(env, args.server_workers, OUT / f"gunicorn-{args.database}.log") as server:
        samples = measure(args, server, search_path)
    load_after = os.getloadavg()[0]
    results = {name: Figures.of(sample) for name, sample in samples.items()}
    record = report(args, results, build_seconds)
    # The machine is shared: the load average says how busy it was besides this run.
    print(f"load average (1 min) before/after the measurement: {load_before:.1f} / {load_after:.1f}")
    record["load_average"] = {"before": load_before, "after": load_after}
    cache_name = "-redis" if args.redis_url else ""
    (OUT / f"search-{args.database}{cache_name}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
