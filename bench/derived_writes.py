"""What keeping the derived tables costs: a visit report's write, and rebuilding every derived
table, each against a plain baseline measured in the same run.

    .venv/bin/python bench/derived_writes.py --database-url postgres://postgres@127.0.0.1:5432/caretime_bench
    .venv/bin/python bench/derived_writes.py --database-url sqlite:///bench/out/search.sqlite3 --writes 300

The database is one ``bench/search.py`` built (clinics and call reports, perhaps its mix of
other evidence). It is never written to: the measurement runs on a copy (PostgreSQL: a new
database made from it as a template, ``<name>_writes_copy``, dropped afterwards; SQLite: a
copy of the file beside it, deleted afterwards). Where the copy has fewer than one visit
report per clinic, demo visit reports by a pool of accounts are added to it first
(``bench/care_time.py``'s), with the derived tables rebuilt, so that a write lands among
realistic sums.

1. The visit write (``measure_visit_writes``): a visit report filed through the app's own
   write path, ``caretime.verdicts.actions.submit_visit_report``, as the form and the API
   call it (a request, the limits, the report, the derived tables), by a new account on a
   random clinic therapy each time; the baseline, a plain ``INSERT`` of one comparable
   report row in its own transaction. The two alternate, write by write.
2. The rebuild (``measure_rebuild``): ``rebuild_derived()`` against a plain SQL aggregate
   over the same report rows (``GROUP BY clinic, therapy`` of the counted call and visit
   reports, every row fetched), in ABBA order.

Each measurement runs in a process of its own (production settings, DEBUG off) and returns
a dict; the command prints both and writes bench/out/derived-writes-<database>.json. See
docs/performance.md, "Keeping the derived tables".
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import search  # bench/search.py: the production settings of a measured process

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WRITE_P99_TARGET_MS = 10.0
REBUILD_RATIO_TARGET = 3.0
# Databases other people use on the shared server: never copied over or dropped.
FORBIDDEN_DATABASES = {"postgres", "root", "test", "template0", "template1"}
VISIT_REPORTS_PER_CLINIC = 1
ACCOUNTS = 20_000
# The baseline of the rebuild: the same report rows, grouped the same way, with the plainest sums.
PLAIN_AGGREGATES = (
    "SELECT clinic_id, discipline, count(*), max(called_in), sum(therapist_minutes) FROM reports_callreport"
    " WHERE standing = 'counted' GROUP BY clinic_id, discipline",
    "SELECT clinic_id, discipline, count(*), max(visited_in), sum(therapist_minutes) FROM reports_visitreport"
    " WHERE standing = 'counted' AND NOT connected GROUP BY clinic_id, discipline",
)
BASELINE_INSERT = (
    "INSERT INTO reports_visitreport (account_id, clinic_id, discipline, visited_in, visit_kind, scheduled_minutes,"
    " therapist_minutes, aide_minutes, other_patients, whole_time, connected, from_timer, is_demo, received_on,"
    " standing) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'rejected')"
)


# --- what bench/search.py calls ----------------------------------------------------------------


def measure_visit_writes(database_url: str, *, writes: int = 300, redis_url: str | None = None) -> dict[str, Any]:
    """p50_ms, p95_ms, p99_ms of ``writes`` visit reports filed through the app's write path,
    baseline_p99_ms of a plain one-row INSERT in its own transaction, measured alternately;
    on a copy of the database, with Redis as the shared cache when ``redis_url`` is given (as
    in production: a write starts a new evidence generation there)."""
    return _in_own_process("writes", database_url, str(writes), redis_url)


def measure_rebuild(database_url: str, *, rounds: int = 2, redis_url: str | None = None) -> dict[str, Any]:
    """rebuild_s (median of ``rounds``) of ``rebuild_derived()``, aggregate_s of the plain
    aggregate over the same report rows, and their ratio; on a copy of the database."""
    return _in_own_process("rebuild", database_url, str(rounds), redis_url)


def _in_own_process(what: str, database_url: str, count: str, redis_url: str | None) -> dict[str, Any]:
    with _copy_of(database_url) as copy:
        done = subprocess.run(
            [sys.executable, __file__, "--inner", what, "--database-url", copy, "--count", count],
            cwd=ROOT,
            env=_environment(copy, redis_url),
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _environment(url: str, redis_url: str | None) -> dict[str, str]:
    """Production settings for the measured process, as the search benchmark's server has them
    (with DEBUG on, Django would log every query)."""
    return {**search.server_environment(url, redis_url), "DJANGO_SETTINGS_MODULE": "caretime.settings"}


@contextmanager
def _copy_of(database_url: str) -> Iterator[str]:
    """A copy of the database for the run to write to, removed afterwards."""
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        source = Path(database_url[len("sqlite:///") :])
        source = source if source.is_absolute() else ROOT / source
        target = source.with_name(source.stem + "-writes-copy.sqlite3")
        _sqlite_copy(source, target)
        try:
            yield f"sqlite:///{target}"
        finally:
            for path in target.parent.glob(target.name + "*"):
                path.unlink()
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    if not name or name in FORBIDDEN_DATABASES or name.startswith("test"):
        sys.exit(f"will not copy {name!r}: name a database bench/search.py built")
    copy = f"{name}_writes_copy"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
        # A template copy needs the source without other sessions for a moment.
        connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(copy), sql.Identifier(name)))
    try:
        yield parts._replace(path=f"/{copy}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even of a database in WAL mode."""
    import sqlite3

    for path in target.parent.glob(target.name + "*"):
        path.unlink()
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    if not target.exists():
        shutil.copyfile(source, target)


# --- the measured process ----------------------------------------------------------------------


def _percentile(values: list[float], percent: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)  # code newer than the database may need new tables


def _accounts(count: int) -> list[int]:
    from care_time import account_ids, create_accounts

    found = account_ids()
    return found if len(found) >= count else create_accounts(count)


def _ensure_visit_reports() -> None:
    """Demo visit reports where the database has fewer than one per clinic, then the derived
    tables rebuilt, so that writes land among realistic sums."""
    from care_time import analyze, load_reports

    from caretime.directory.models import Clinic
    from caretime.reports.models import VisitReport
    from caretime.verdicts.derived import rebuild_derived

    wanted = VISIT_REPORTS_PER_CLINIC * Clinic.objects.count()
    have = VisitReport.objects.count()
    if have >= wanted:
        return
    accounts = _accounts(ACCOUNTS)
    load_reports(argparse.Namespace(seed=1), wanted - have, accounts)
    analyze()
    rebuild_derived()


def _measure_writes(writes: int) -> dict[str, Any]:
    from care_time import clinic_profiles, months_before, services, visit
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import RequestFactory
    from django.utils import timezone

    from caretime.directory.models import Clinic
    from caretime.reports.models import VisitReport
    from caretime.verdicts.actions import submit_visit_report

    if TYPE_CHECKING:
        from django.db.backends.utils import CursorWrapper
        from django.http import HttpRequest

    _ensure_visit_reports()
    rng = random.Random("derived-writes")
    profiles = clinic_profiles(1)
    picks = rng.sample(services(), k=writes)
    clinics = Clinic.objects.prefetch_related("services").in_bulk({clinic_id for clinic_id, _ in picks})
    # A fresh account each write and another for its baseline row: no one's daily limit or
    # monthly cap comes into it.
    pool = _accounts(ACCOUNTS + 2 * writes)[-2 * writes :]
    users = User.objects.in_bulk(pool)
    factory = RequestFactory()
    today = timezone.now().date()
    timed: dict[str, list[float]] = {"write": [], "baseline": []}
    outcomes: dict[str, int] = {}

    def write(request: HttpRequest, account: User, clinic: Clinic, discipline: str, month: date, facts: Any) -> None:
        began = time.perf_counter()
        sent = submit_visit_report(
            request=request, account=account, clinic=clinic, discipline=discipline, visited_in=month, facts=facts
        )
        timed["write"].append(time.perf_counter() - began)
        outcome = sent.standing if isinstance(sent, VisitReport) else type(sent).__name__
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    def baseline(cursor: CursorWrapper, values: list[Any]) -> None:
        began = time.perf_counter()
        with transaction.atomic():
            cursor.execute(BASELINE_INSERT, values)
        timed["baseline"].append(time.perf_counter() - began)

    with connection.cursor() as cursor:
        for number, (clinic_id, discipline) in enumerate(picks):
            facts = visit(profiles[clinic_id], rng)
            month = months_before(today, rng.randrange(12))
            account, other = users[pool[2 * number]], users[pool[2 * number + 1]]
            request = factory.post("/", REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}")
            request.user = account
            row = [other.pk, clinic_id, discipline, month, facts.visit_kind.value, facts.scheduled_minutes]
            row += [facts.therapist_minutes, facts.aide_minutes, facts.other_patients, facts.whole_time.value]
            row += [facts.connected, False, False, today]
            steps = [
                functools.partial(write, request, account, clinics[clinic_id], discipline, month, facts),
                functools.partial(baseline, cursor, row),
            ]
            for step in steps if number % 2 == 0 else steps[::-1]:
                step()
    ms = {name: [value * 1000 for value in values] for name, values in timed.items()}
    return {
        "writes": writes,
        "p50_ms": statistics.median(ms["write"]),
        "p95_ms": _percentile(ms["write"], 95),
        "p99_ms": _percentile(ms["write"], 99),
        "baseline_p50_ms": statistics.median(ms["baseline"]),
        "baseline_p99_ms": _percentile(ms["baseline"], 99),
        "outcomes": outcomes,
        "database": connection.vendor,
        "load_average": os.getloadavg(),
    }


def _measure_rebuild(rounds: int) -> dict[str, Any]:
    from django.db import connection

    from caretime.verdicts.derived import rebuild_derived

    _ensure_visit_reports()
    timed: dict[str, list[float]] = {"rebuild": [], "aggregate": []}

    def vacuum() -> None:
        """This machine's PostgreSQL runs without autovacuum, which production has: each rebuild
        leaves every derived row dead behind it."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("verdicts_verdictsums", "reports_cliniccaretime", "reports_regioncaretime"):
                    cursor.execute(f"VACUUM ANALYZE {table}")

    def aggregate() -> None:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in PLAIN_AGGREGATES:
                cursor.execute(statement)
                cursor.fetchall()
        timed["aggregate"].append(time.perf_counter() - began)

    def rebuild() -> None:
        began = time.perf_counter()
        rebuild_derived()
        timed["rebuild"].append(time.perf_counter() - began)

    for number in range(rounds):
        for step in (aggregate, rebuild) if number % 2 == 0 else (rebuild, aggregate):
            vacuum()
            step()
    rebuild_s, aggregate_s = statistics.median(timed["rebuild"]), statistics.median(timed["aggregate"])
    return {
        "rounds": rounds,
        "rebuild_s": rebuild_s,
        "aggregate_s": aggregate_s,
        "ratio": rebuild_s / aggregate_s,
        "rebuild_runs_s": timed["rebuild"],
        "aggregate_runs_s": timed["aggregate"],
        "database": connection.vendor,
        "load_average": os.getloadavg(),
    }


# --- the command -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database-url", required=True, help="a database bench/search.py built (copied, never written)"
    )
    parser.add_argument("--writes", type=int, default=300, help="visit reports filed and timed (default 300)")
    parser.add_argument("--rounds", type=int, default=2, help="rebuilds (and plain aggregates) timed (default 2)")
    parser.add_argument("--skip-rebuild", action="store_true", help="measure the writes only")
    parser.add_argument(
        "--redis-url", help="use Redis as the shared cache, as in production (default: the database cache table)"
    )
    parser.add_argument("--inner", choices=["writes", "rebuild"], help=argparse.SUPPRESS)  # the measured process
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.inner:
        _setup()
        figures = _measure_writes(args.count) if args.inner == "writes" else _measure_rebuild(args.count)
        print(json.dumps(figures))
        return
    record: dict[str, Any] = {"python": platform.python_version(), "load_average_before": os.getloadavg()}
    writes = record["writes"] = measure_visit_writes(args.database_url, writes=args.writes, redis_url=args.redis_url)
    print(
        f"visit write ({writes['writes']} on {writes['database']}, outcomes {writes['outcomes']}): "
        f"p50 {writes['p50_ms']:.2f} ms, p95 {writes['p95_ms']:.2f} ms, p99 {writes['p99_ms']:.2f} ms; "
        f"plain INSERT p50 {writes['baseline_p50_ms']:.2f} ms, p99 {writes['baseline_p99_ms']:.2f} ms; "
        f"p99 ratio {writes['p99_ms'] / writes['baseline_p99_ms']:.1f}x; target p99 <= {WRITE_P99_TARGET_MS:.0f} ms: "
        f"{'met' if writes['p99_ms'] <= WRITE_P99_TARGET_MS else 'NOT met'}"
    )
    if not args.skip_rebuild:
        rebuilt = record["rebuild"] = measure_rebuild(args.database_url, rounds=args.rounds, redis_url=args.redis_url)
        runs = " / ".join(f"{r:.2f}" for r in rebuilt["rebuild_runs_s"])
        plain = " / ".join(f"{r:.2f}" for r in rebuilt["aggregate_runs_s"])
        print(
            f"rebuild_derived: {rebuilt['rebuild_s']:.2f} s ({runs}); plain aggregate {rebuilt['aggregate_s']:.2f} s "
            f"({plain}); ratio {rebuilt['ratio']:.2f} (target <= {REBUILD_RATIO_TARGET:.0f}: "
            f"{'met' if rebuilt['ratio'] <= REBUILD_RATIO_TARGET else 'NOT met'})"
        )
    record["load_average_after"] = os.getloadavg()
    print(f"load average before / after: {record['load_average_before']} / {record['load_average_after']}")
    OUT.mkdir(parents=True, exist_ok=True)
    vendor = "sqlite" if args.database_url.startswith("sqlite") else "postgres"
    (OUT / f"derived-writes-{vendor}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
