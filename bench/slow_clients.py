"""Slow clients benchmark: normal traffic while 50 slow-header and 50 slow-body connections hold on.

    .venv/bin/python bench/slow_clients.py
    .venv/bin/python bench/slow_clients.py --setups deployed --seconds 30

Builds a small demo database (``load_demo --clinics 300``) and, for each setup, serves it
as in production (DEBUG off, a random SECRET_KEY, plain HTTP on 127.0.0.1). The normal
traffic is an open-loop load of 50 requests a second (each due at its time whatever
happened to the others, each on a new connection, 10 s timeout) cycling through a few page
views: the clinic search page with its stylesheets, three clinic pages, the home page, the
JSON search, about. It runs in rounds, alternately (ABAB, so that whatever else the shared
machine does falls on both alike):

- the load alone (the baseline), 20 s;
- the same load under attack, 20 s, measured from 10 s after the attack started: 50
  slow-header connections (a request head that never ends, one more byte every 5 s) and 50
  slow-body connections (a form POST whose body comes one byte every 5 s) kept open. A
  connection the server closes is opened again at once, as an attacker would. After the
  attack, the time until the health endpoint answers again is noted.

Three rounds make 60 s of each. A health probe (GET /api/v1/health, 5 s timeout, every 2 s)
runs with the load. Setups:

- ``old``: the command docs/operations.md documented before, gunicorn with 4 sync
  workers facing the clients itself;
- ``deployed``: the documented deployment, nginx (deploy/nginx/caretime-proxy.conf,
  included unchanged) in front of gunicorn (deploy/gunicorn.conf.py);
- ``waitress``: waitress alone, for comparison (not installed with caretime:
  ``.venv/bin/pip install waitress`` first).

Reports normal requests answered and failed, p50/p95/p99 latency of the answered ones and
probe successes, alone and under attack, and the ratios under attack / alone; what became of
the slow connections; the figures also go to bench/out/slow-clients.json. See
docs/performance.md, "Slow clients".
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import itertools
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search import Sample, fetch, free_port, manage, server_environment

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEPLOY = ROOT / "deploy"
HEALTH_PATH = "/api/v1/health"
SEARCH_PAGE = "/clinics/?near=60614"
SETUPS = ("old", "deployed", "waitress")
# What the bench's own nginx main configuration sets; deploy/README.md asks the same of
# /etc/nginx/nginx.conf.
NGINX_WORKER_CONNECTIONS = 8192
NGINX_RLIMIT_NOFILE = 16384


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--setups", default="old,deployed", help=f"comma-separated, of {', '.join(SETUPS)} (default old,deployed)"
    )
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="measured seconds of load, alone and under attack (default 60 each)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="the seconds are split into this many rounds of each, ABAB (default 3)"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="normal requests per second (default 50)")
    parser.add_argument("--slow-headers", type=int, default=50, help="slow-header connections (default 50)")
    parser.add_argument("--slow-bodies", type=int, default=50, help="slow-body connections (default 50)")
    parser.add_argument(
        "--trickle-seconds", type=float, default=5.0, help="seconds between two bytes of a slow connection (default 5)"
    )
    parser.add_argument(
        "--attack-lead",
        type=float,
        default=10.0,
        help="seconds the attack runs before its phase is measured (default 10)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=10.0,
        help="a normal request not answered within this many seconds counts as failed (default 10)",
    )
    parser.add_argument("--probe-interval", type=float, default=2.0, help="seconds between health probes (default 2)")
    parser.add_argument("--probe-timeout", type=float, default=5.0, help="health probe timeout (default 5)")
    parser.add_argument("--warmup-seconds", type=float, default=5.0, help="load before the baseline, not measured")
    parser.add_argument("--clinics", type=int, default=300, help="demo clinics to load (default 300)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the database of an earlier run")
    args = parser.parse_args(argv)
    args.setups = [name.strip() for name in args.setups.split(",") if name.strip()]
    unknown = set(args.setups) - set(SETUPS)
    if unknown:
        parser.error(f"unknown setup(s): {', '.join(sorted(unknown))}")
    return args


# --- serving ------------------------------------------------------------------------------


@dataclass
class Served:
    """The port the clients talk to, and the processes serving it."""

    port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the server processes and their children (Linux /proc)."""
        roots = {process.pid for process in self.processes}
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int(stat.parent.name)
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if pid in roots or int(fields[1]) in roots:
                    ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as log_file:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_healthy(served: Served, logs: list[Path]) -> None:
    deadline = time.monotonic() + 60
    while True:
        for process in served.processes:
            if process.poll() is not None:
                sys.exit(f"{process.args!r} exited with {process.returncode}; see {', '.join(map(str, logs))}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(served.port, HEALTH_PATH)[0] == 200:
                return
        if time.monotonic() > deadline:
            sys.exit(f"the server did not answer within a minute; see {', '.join(map(str, logs))}")
        time.sleep(0.2)


@contextlib.contextmanager
def serving(commands: list[list[str]], env: dict[str, str], port: int, logs: list[Path]) -> Iterator[Served]:
    """Start the commands (the front one last), wait for the health endpoint, stop them all on the way out."""
    served = Served(port)
    try:
        for command, log in zip(commands, logs, strict=True):
            served.processes.append(start(command, env, log))
        wait_until_healthy(served, logs)
        yield served
    finally:
        for process in reversed(served.processes):
            stop(process)


def old_setup(env: dict[str, str]) -> contextlib.AbstractContextManager[Served]:
    """The command docs/operations.md documented before: gunicorn's sync workers face the clients."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "caretime.wsgi",
        "--workers",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "--logger-class",
        "caretime.workplace.request_log.AccessLogger",
    ]
    return serving([command], env, port, [OUT / "slow-clients-old-gunicorn.log"])


def find_nginx() -> str:
    """nginx from Debian; installed with apt-get when missing (as .ci/run installs chromium)."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"  # /usr/sbin may not be on PATH
    if Path(found).exists():
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("nginx is needed for the 'deployed' setup: apt-get install nginx (Debian), then run this again.")
    print("--- installing Debian nginx for the 'deployed' setup")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_main_config(directory: Path, port: int, upstream_port: int) -> str:
    """A main configuration around deploy/nginx/caretime-proxy.conf, included unchanged.

    It replaces what /etc/nginx/nginx.conf and deploy/nginx/caretime.conf give in
    production, less TLS: loopback addresses, and logs and temporary files in ``directory``.
    """
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {directory / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes auto;
worker_rlimit_nofile {NGINX_RLIMIT_NOFILE};
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} warn;
daemon off;

events {{
    worker_connections {NGINX_WORKER_CONNECTIONS};
}}

http {{
{temp}
    access_log {directory / "access.log"};
    upstream caretime_app {{
        server 127.0.0.1:{upstream_port};
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        include {DEPLOY / "nginx" / "caretime-proxy.conf"};
    }}
}}
"""


def deployed_setup(env: dict[str, str]) -> contextlib.AbstractContextManager[Served]:
    """The documented deployment: nginx in front of gunicorn run with deploy/gunicorn.conf.py."""
    nginx = find_nginx()
    port = upstream_port = free_port()
    while upstream_port == port:
        upstream_port = free_port()
    directory = OUT / "slow-clients-nginx"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    config = directory / "nginx.conf"
    config.write_text(nginx_main_config(directory, port, upstream_port))
    subprocess.run(
        [nginx, "-t", "-q", "-p", str(directory), "-e", str(directory / "error.log"), "-c", str(config)], check=True
    )
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(DEPLOY / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{upstream_port}",
        "caretime.wsgi",
    ]
    front = [nginx, "-p", str(directory), "-e", str(directory / "error.log"), "-c", str(config)]
    logs = [OUT / "slow-clients-deployed-gunicorn.log", directory / "stdout.log"]
    return serving([gunicorn, front], {**env, "TRUSTED_PROXY_HOPS": "1"}, port, logs)


def waitress_setup(env: dict[str, str]) -> contextlib.AbstractContextManager[Served]:
    """waitress alone: one process whose I/O thread buffers every request before a worker thread sees it."""
    if importlib.util.find_spec("waitress") is None:
        sys.exit("The 'waitress' setup needs waitress, which caretime does not install: .venv/bin/pip install waitress")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "waitress",
        f"--listen=127.0.0.1:{port}",
        "--threads=8",
        "--connection-limit=1000",
        "--channel-timeout=30",
        "caretime.wsgi:application",
    ]
    return serving([command], env, port, [OUT / "slow-clients-waitress.log"])


SERVE: dict[str, Callable[[dict[str, str]], contextlib.AbstractContextManager[Served]]] = {
    "old": old_setup,
    "deployed": deployed_setup,
    "waitress": waitress_setup,
}


# --- normal traffic -----------------------------------------------------------------------


def page_views(port: int) -> list[str]:
    """The paths of a few page views, in the order a browser asks for them, repeated by the load."""
    status, body = fetch(port, SEARCH_PAGE)
    if status != 200:
        sys.exit(f"{SEARCH_PAGE} answered {status}")
    clinics = list(dict.fromkeys(re.findall(rb'href="(/clinics/\d+/)', body)))[:3]
    if not clinics:
        sys.exit(f"{SEARCH_PAGE} links to no clinic: is the demo region loaded?")
    site_css, reports_css = "/static/css/site.css", "/static/reports/reports.css"
    paths = [SEARCH_PAGE, site_css, reports_css, "/", site_css]
    for clinic in clinics:
        paths += [clinic.decode(), site_css, reports_css]
    paths += ["/api/v1/clinics?near=60614&radius_miles=25", "/about/", site_css]
    for path in set(paths):
        if fetch(port, path)[0] != 200:
            sys.exit(f"{path} does not answer 200")
    return paths


@dataclass
class LoadResult:
    sent: int = 0
    answered: Sample = field(default_factory=Sample)  # latencies of the 200 answers within the timeout
    failures: Counter[str] = field(default_factory=Counter)
    probes: int = 0
    probes_ok: int = 0
    server_cpu_seconds: float = 0.0
    load_averages: list[tuple[float, float]] = field(default_factory=list)  # 1 min, at the start and end of each round

    def add(self, other: LoadResult) -> None:
        self.sent += other.sent
        self.answered.latencies += other.answered.latencies
        self.answered.wall_seconds += other.answered.wall_seconds
        self.failures += other.failures
        self.probes += other.probes
        self.probes_ok += other.probes_ok
        self.server_cpu_seconds += other.server_cpu_seconds
        self.load_averages += other.load_averages

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def percentile_ms(self, percent: float) -> float | None:
        return self.answered.percentile_ms(percent) if self.answered.requests else None

    def server_cpu_ms_per_answer(self) -> float | None:
        answered = self.answered.requests
        return self.server_cpu_seconds * 1000 / answered if answered else None

    def figures(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "answered": self.answered.requests,
            "failed": self.failed,
            "failures": dict(self.failures),
            "answered_per_second": self.answered.per_second,
            "p50_ms": self.percentile_ms(50),
            "p95_ms": self.percentile_ms(95),
            "p99_ms": self.percentile_ms(99),
            "probes": self.probes,
            "probes_ok": self.probes_ok,
            "server_cpu_ms_per_answer": self.server_cpu_ms_per_answer(),
            "load_averages": self.load_averages,
        }


def get(port: int, path: str, timeout: float) -> int:
    """One GET on a new connection; the status, or an exception."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def failure_kind(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected):
        return "reset"
    return type(error).__name__


def run_load(port: int, paths: list[str], args: argparse.Namespace, seconds: float, served: Served) -> LoadResult:
    """Open loop: request i is due at start + i / rate whatever happened to the others; its
    latency counts from when it was due, so a client held up in the queue counts too."""
    result = LoadResult()
    lock = threading.Lock()
    stopped = threading.Event()

    def one(path: str, due: float) -> None:
        try:
            status = get(port, path, args.request_timeout)
            elapsed = time.perf_counter() - due
            if status != 200:
                kind = f"status {status}"
            elif elapsed > args.request_timeout:
                kind = "timeout"
            else:
                with lock:
                    result.answered.latencies.append(elapsed)
                return
        except (OSError, http.client.HTTPException) as error:
            kind = failure_kind(error)
        with lock:
            result.failures[kind] += 1

    def probe() -> None:
        while not stopped.is_set():
            due = time.monotonic() + args.probe_interval
            ok = False
            with contextlib.suppress(OSError, http.client.HTTPException):
                ok = get(port, HEALTH_PATH, args.probe_timeout) == 200
            with lock:
                result.probes += 1
                result.probes_ok += ok
            stopped.wait(max(0.0, due - time.monotonic()))

    load_before = os.getloadavg()[0]
    prober = threading.Thread(target=probe)
    prober.start()
    cpu_before = served.cpu_seconds()
    threads: list[threading.Thread] = []
    started = time.perf_counter()
    path_cycle = itertools.cycle(paths)
    for index in range(round(args.rate * seconds)):
        due = started + index / args.rate
        time.sleep(max(0.0, due - time.perf_counter()))
        thread = threading.Thread(target=one, args=(next(path_cycle), due), daemon=True)
        thread.start()
        threads.append(thread)
        result.sent += 1
    for thread in threads:
        thread.join()
    result.answered.wall_seconds = time.perf_counter() - started
    result.server_cpu_seconds = served.cpu_seconds() - cpu_before
    stopped.set()
    prober.join()
    result.load_averages.append((load_before, os.getloadavg()[0]))
    return result


# --- slow clients -------------------------------------------------------------------------


@dataclass
class AttackStats:
    opened: int = 0
    connect_failed: int = 0
    closed_by_server: int = 0
    answers: Counter[str] = field(default_factory=Counter)  # first line of what the server sent before closing
    lifetimes: list[float] = field(default_factory=list)  # seconds, of the connections the server closed
    open_now: int = 0
    open_min: int | None = None  # fewest open at once during the measured phase
    open_at_end: int | None = None  # open when the measured phase ended

    def add(self, other: AttackStats) -> None:
        """Adds a later round's connections; the open counts become the smallest of the rounds'."""
        self.opened += other.opened
        self.connect_failed += other.connect_failed
        self.closed_by_server += other.closed_by_server
        self.answers += other.answers
        self.lifetimes += other.lifetimes
        for name in ("open_min", "open_at_end"):
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, theirs if mine is None else mine if theirs is None else min(mine, theirs))

    def figures(self) -> dict[str, object]:
        return {
            "opened": self.opened,
            "connect_failed": self.connect_failed,
            "closed_by_server": self.closed_by_server,
            "answers": dict(self.answers),
            "median_lifetime_s": statistics.median(self.lifetimes) if self.lifetimes else None,
            "open_at_end": self.open_at_end,
            "fewest_open_while_measured": self.open_min,
        }


def slow_header_request() -> tuple[bytes, Iterator[bytes]]:
    """A request head that never ends: one more header byte at a time, no blank line ever."""
    head = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-header\r\n"
    return head, (bytes([byte]) for byte in itertools.cycle(b"X-Slow: a\r\n"))


def slow_body_request() -> tuple[bytes, Iterator[bytes]]:
    """A form POST whose body comes one byte at a time. The CSRF cookie (a well-formed
    token) makes Django read the body to look for the form's token, as for a real form."""
    token = secrets.token_hex(16)
    head = (
        b"POST /your-bar/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-body\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n"
        b"Cookie: csrftoken=" + token.encode() + b"\r\n\r\n"
    )
    return head, (bytes([byte]) for byte in itertools.cycle(b"next=%2F&a=b&"))


class SlowClients:
    """Keeps ``count`` connections of a kind open, each sending one byte every ``interval``
    seconds; a connection the server closes is opened again at once."""

    def __init__(self, port: int, count: int, interval: float, request: Callable[[], tuple[bytes, Iterator[bytes]]]):
        self.port, self.count, self.interval, self.request = port, count, interval, request
        self.stats = AttackStats()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.measuring = False
        self.threads = [threading.Thread(target=self.hold, args=(index,), daemon=True) for index in range(count)]

    def __enter__(self) -> SlowClients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join()

    def start_measuring(self) -> None:
        with self.lock:
            self.measuring = True
            self.stats.open_min = self.stats.open_now

    def stop_measuring(self) -> None:
        with self.lock:
            self.measuring = False
            self.stats.open_at_end = self.stats.open_now

    def _count_open(self, change: int) -> None:
        with self.lock:
            self.stats.open_now += change
            if self.measuring and self.stats.open_min is not None:
                self.stats.open_min = min(self.stats.open_min, self.stats.open_now)

    def hold(self, index: int) -> None:
        # All connect at once; their bytes are spread over the interval.
        wait = self.interval * index / max(1, self.count)
        while not self.stopped.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            except OSError:
                with self.lock:
                    self.stats.connect_failed += 1
                self.stopped.wait(1)
                continue
            opened = time.monotonic()
            with self.lock:
                self.stats.opened += 1
            self._count_open(+1)
            answer = ""
            try:
                # Non-blocking from here: a look at what the server sent must not wait (the
                # few bytes sent always fit in the socket's buffer).
                sock.setblocking(False)
                head, trickle = self.request()
                sock.sendall(head)
                while not self.stopped.wait(wait):
                    wait = self.interval
                    try:
                        data = sock.recv(4096)
                    except BlockingIOError:
                        pass  # nothing from the server yet
                    else:  # the server answered or closed: this connection is over
                        answer = data.split(b"\r\n", 1)[0].decode("latin-1") if data else "closed"
                        break
                    sock.sendall(next(trickle))
            except OSError as error:
                answer = failure_kind(error)
            finally:
                sock.close()
                self._count_open(-1)
            if not self.stopped.is_set():
                with self.lock:
                    self.stats.closed_by_server += 1
                    self.stats.answers[answer] += 1
                    self.stats.lifetimes.append(time.monotonic() - opened)


# --- the run ------------------------------------------------------------------------------


def ratio(attack: float | None, baseline: float | None) -> float | None:
    return attack / baseline if attack is not None and baseline else None


def recover(port: int, limit: float = 120.0) -> float | None:
    """Seconds until the health endpoint answers again (None: not within ``limit``)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, HEALTH_PATH, 2.0) == 200:
                return time.monotonic() - started
        time.sleep(0.5)
    return None


def measure_setup(name: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, object]:
    """Rounds of the load alone, then of the load under attack (ABAB): whatever else the
    shared machine does falls on both alike."""
    print(f"\n=== {name}")
    seconds = args.seconds / args.rounds
    baseline, attack = LoadResult(), LoadResult()
    headers_stats, bodies_stats = AttackStats(), AttackStats()
    recoveries: list[float | None] = []
    with SERVE[name](env) as served:
        paths = page_views(served.port)
        run_load(served.port, paths, args, args.warmup_seconds, served)
        for round_number in range(1, args.rounds + 1):
            alone = run_load(served.port, paths, args, seconds, served)
            show(f"round {round_number}, load alone", alone)
            baseline.add(alone)
            with (
                SlowClients(served.port, args.slow_headers, args.trickle_seconds, slow_header_request) as headers,
                SlowClients(served.port, args.slow_bodies, args.trickle_seconds, slow_body_request) as bodies,
            ):
                time.sleep(args.attack_lead)
                headers.start_measuring()
                bodies.start_measuring()
                attacked = run_load(served.port, paths, args, seconds, served)
                headers.stop_measuring()
                bodies.stop_measuring()
            show(f"round {round_number}, under attack", attacked)
            attack.add(attacked)
            headers_stats.add(headers.stats)
            bodies_stats.add(bodies.stats)
            recoveries.append(recover(served.port))
            print(f"  health endpoint answering {fmt(recoveries[-1], '.1f')} s after the attack stopped")
    ratios = {
        "answered": ratio(attack.answered.requests, baseline.answered.requests),
        **{f"p{p}": ratio(attack.percentile_ms(p), baseline.percentile_ms(p)) for p in (50, 95, 99)},
    }
    show("all rounds, load alone", baseline)
    show("all rounds, under attack", attack)
    for kind, stats in (("slow-header", headers_stats), ("slow-body", bodies_stats)):
        print(f"  {kind} connections: {json.dumps(stats.figures())}")
    print("  under attack / alone: " + ", ".join(f"{key} {fmt(value, '.2f')}" for key, value in ratios.items()))
    return {
        "baseline": baseline.figures(),
        "attack": attack.figures(),
        "ratios": ratios,
        "slow_header": headers_stats.figures(),
        "slow_body": bodies_stats.figures(),
        "recovery_seconds": recoveries,
    }


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def show(phase: str, result: LoadResult) -> None:
    failures = ", ".join(f"{kind} {count}" for kind, count in result.failures.most_common()) or "none"
    print(
        f"  {phase}: sent {result.sent}, answered {result.answered.requests}, failed {result.failed} ({failures}); "
        f"p50 {fmt(result.percentile_ms(50), '.1f')} ms, p95 {fmt(result.percentile_ms(95), '.1f')} ms, "
        f"p99 {fmt(result.percentile_ms(99), '.1f')} ms; health probe {result.probes_ok}/{result.probes}; "
        f"server CPU {fmt(result.server_cpu_ms_per_answer(), '.1f')} ms per answer; "
        "load average " + ", ".join(f"{start:.1f} to {end:.1f}" for start, end in result.load_averages)
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "slow-clients.sqlite3"
    env = server_environment(f"sqlite:///{database}", None)
    env["STATIC_MANIFEST"] = "false"
    if not args.skip_build:
        for path in OUT.glob("slow-clients.sqlite3*"):
            path.unlink()
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo", f"--clinics={args.clinics}")
    load_before = os.getloadavg()[0]
    results = {name: measure_setup(name, env, args) for name in args.setups}
    load_after = os.getloadavg()[0]
    print(f"\nload average (1 min) before/after: {load_before:.1f} / {load_after:.1f}; {os.cpu_count()} CPUs")
    record = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": load_after},
        "options": {key: value for key, value in vars(args).items() if key != "setups"},
        "setups": results,
    }
    (OUT / "slow-clients.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
