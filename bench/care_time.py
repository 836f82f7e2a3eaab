"""Care Time benchmark: one visit report's update of its clinic's profile, and a full rebuild
of every profile, each against a plain SQL aggregate over the same reports, in one run.

    .venv/bin/python bench/care_time.py --database sqlite
    .venv/bin/python bench/care_time.py --database postgres
    .venv/bin/python bench/care_time.py --database sqlite --skip-build   # reuse the last build
    .venv/bin/python bench/care_time.py --database postgres --build-only   # build, measure later

The build (skipped with --skip-build) makes a fresh database of its own: ``manage.py
migrate``, the demo directory of N clinics (``build_demo_region``, the directory part of
``manage.py load_demo``), a pool of accounts and the visit reports written with plain SQL
(executemany on SQLite, COPY on PostgreSQL), then ``rebuild_care_time()`` once so that the
stored sums match the reports.

Then, in this process, with production settings (DEBUG off, so no query log):

1. one update: ``record_visit_report`` of a new report of a random account on a random clinic,
   timed call by call. In the same iteration and on the same clinic and therapy, two
   baselines: a plain SQL aggregate over that clinic's reports, and the insert of one report
   row alone (an update is an insert plus a few small row reads and writes). The order of the
   three rotates from one iteration to the next. The reports added are deleted afterwards.
2. the full rebuild: ``rebuild_care_time()`` against a plain GROUP BY of all counted reports
   by clinic and therapy, fetched in full, alternating; then the rebuild's parts timed apart.

The ratios to the baselines are the figures that count: the machine is shared and noisy.
See docs/performance.md, "Care Time profiles".
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import math
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from caretime.core.care_time import VisitFacts
    from caretime.directory.demo import CareProfile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = Path("/tmp/caretime_bench_caretime.sqlite3")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/caretime_bench_caretime"
# Databases other people use on the shared server: never dropped, whatever --postgres-url says.
FORBIDDEN_DATABASES = {"postgres", "root", "test", "template0", "template1"}

UPDATE_P99_TARGET_MS = 5.0
REBUILD_RATIO_TARGET = 2.0
# Bench accounts are found again by this prefix (with --skip-build, and to size the pool).
USERNAME_PREFIX = "care-time-bench-"
# Rows per executemany / per transaction of the bulk load: large enough that the per-call
# overhead vanishes, small enough that the rows of one batch stay a few tens of MB.
LOAD_BATCH = 50_000
MONTHS_BACK = 36  # reports are taken for visits up to 36 months back (``month_problem``)
CONNECTED_SHARE = 0.05
# Of the reports that are not from connected people: held during a burst, repeats beyond the
# per-person monthly cap, rejected by a moderator; the rest count.
HELD_SHARE, REPEAT_SHARE, REJECTED_SHARE = 0.01, 0.02, 0.002
# A patient reports several visits to the same clinic: this share of a therapy's reports come
# from one of its recent reporters instead of a new one.
RETURNING_SHARE = 0.3
SILENT_SHARE = 0.1  # clinic therapies nobody has reported yet

REPORT_COLUMNS = (
    "account_id",
    "clinic_id",
    "discipline",
    "visited_in",
    "visit_kind",
    "scheduled_minutes",
    "therapist_minutes",
    "aide_minutes",
    "other_patients",
    "whole_time",
    "connected",
    "from_timer",
    "is_demo",
    "received_on",
    "standing",
)
# The first baseline of an update: what a plain query over the clinic's reports costs.
ONE_CLINIC_AGGREGATE = (
    "SELECT count(*), sum(therapist_minutes) FROM reports_visitreport WHERE clinic_id = %s AND discipline = %s"
)
# The baseline of the rebuild: the same reports, grouped the same way, with the plainest sums.
ALL_CLINICS_AGGREGATE = (
    "SELECT clinic_id, discipline, count(*), sum(therapist_minutes), max(visited_in) FROM reports_visitreport"
    " WHERE standing = 'counted' AND NOT connected GROUP BY clinic_id, discipline"
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--clinics", type=int, default=100_000, help="demo clinics to load")
    parser.add_argument("--reports", type=int, default=5_000_000, help="visit reports in the database")
    parser.add_argument("--accounts", type=int, default=200_000, help="accounts the reports are filed by")
    parser.add_argument("--updates", type=int, default=10_000, help="reports submitted one by one and timed")
    parser.add_argument("--rebuild-rounds", type=int, default=3, help="rebuilds (and plain aggregates) timed")
    parser.add_argument("--no-parts", action="store_true", help="skip timing the parts of the rebuild")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH, help="SQLite file to recreate")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="PostgreSQL database to DROP and recreate")
    parser.add_argument(
        "--skip-build", action="store_true", help="reuse the database of an earlier run instead of rebuilding it"
    )
    parser.add_argument("--build-only", action="store_true", help="build the database, measure nothing")
    parser.add_argument("--drop", action="store_true", help="delete the database at the end")
    return parser.parse_args(argv)


def database_url(args: argparse.Namespace) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{args.sqlite_path}"
    return str(args.postgres_url)


def postgres_names(args: argparse.Namespace) -> tuple[str, str]:
    """(the bench database's name, a URL of the maintenance database to drop it from)."""
    parts = urlsplit(args.postgres_url)
    name = parts.path.lstrip("/")
    if not name or name in FORBIDDEN_DATABASES or name.startswith("test_"):
        sys.exit(f"--postgres-url must name a database of its own to drop and recreate, not {name!r}.")
    return name, parts._replace(path="/postgres").geturl()


def recreate_database(args: argparse.Namespace, *, create: bool = True) -> None:
    if args.database == "sqlite":
        for path in args.sqlite_path.parent.glob(args.sqlite_path.name + "*"):
            path.unlink()
        return
    name, admin_url = postgres_names(args)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(url: str, *command: str) -> float:
    """Run a management command as the README does (DEBUG on); return its wall time."""
    env = dict(os.environ, DEBUG="true", DATABASE_URL=url)
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def setup_django(url: str) -> None:
    """Production settings for the measured process: with DEBUG on, Django would log every
    query, which is work production does not do."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="caretime.settings",
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_hex(32),
        WORKER_REPORT_KEY="bench-" + secrets.token_hex(32),
        MFA_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- memory -----------------------------------------------------------------------------------


def reset_peak_memory() -> float:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM to the
    current RSS), so that the peak of one rebuild is not hidden by the bulk load earlier in the
    process; returns the current RSS in MB, which Python rarely gives back to the system, so
    that the growth can be told from what was already there."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def peak_memory_mb() -> float:
    """Peak resident memory since the last ``reset_peak_memory`` (or of the process)."""
    found = _status_mb("VmHWM")
    if found:
        return found
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(key: str) -> float:
    try:
        found = re.search(rf"{key}:\s+(\d+) kB", Path("/proc/self/status").read_text())
    except OSError:
        found = None
    return int(found.group(1)) / 1024 if found else 0.0


# --- the data ---------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def clinic_profiles(seed: int) -> dict[int, CareProfile]:
    """Each demo clinic's care profile, drawn as the demo's own reports draw it: the clinic's
    index in ascending id among clinics offering a therapy."""
    from caretime.directory.demo import care_profile
    from caretime.directory.models import ClinicService

    ids = ClinicService.objects.filter(clinic__is_demo=True).order_by("clinic_id").values_list("clinic_id", flat=True)
    return {clinic_id: care_profile(seed, index) for index, clinic_id in enumerate(dict.fromkeys(ids))}


def services() -> list[tuple[int, str]]:
    from caretime.directory.models import ClinicService

    return list(
        ClinicService.objects.filter(clinic__is_demo=True)
        .order_by("clinic_id", "discipline")
        .values_list("clinic_id", "discipline")
    )


def visit(profile: CareProfile, rng: random.Random) -> VisitFacts:
    """One visit as a patient of a clinic of this profile reports it: one-on-one clinics
    45-60 minutes alone with the therapist, mills 10-30 minutes with others and an aide,
    the average clinic in between. Never contradictory (``visit_contradictions``)."""
    from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
    from caretime.directory.demo import CareProfile

    draw = rng.random()
    kind = VisitKind.FIRST if draw < 0.2 else VisitKind.EARLY_FOLLOW_UP if draw < 0.55 else VisitKind.LATER_FOLLOW_UP
    connected = rng.random() < CONNECTED_SHARE
    if profile == CareProfile.ONE_ON_ONE:
        therapist, aide = rng.randint(45, 60), rng.choice((0, 0, 0, 5, 10))
        others = 0 if rng.random() < 0.92 else 1
        whole = WholeTime.YES if rng.random() < 0.85 else rng.choice((WholeTime.NOT_SURE, WholeTime.NO))
    elif profile == CareProfile.MILL:
        therapist, aide = rng.randint(10, 30), rng.randint(15, 40)
        others = rng.choice((1, 2, 2, 3, 3, 3))
        whole = WholeTime.NO if rng.random() < 0.75 else WholeTime.NOT_SURE
    else:
        therapist, aide = rng.randint(30, 45), rng.choice((5, 10, 15, 20))
        others = rng.choice((0, 0, 0, 1))
        whole = rng.choice((WholeTime.YES, WholeTime.YES, WholeTime.NOT_SURE, WholeTime.NO))
    if whole == WholeTime.YES and others:
        whole = WholeTime.NO
    # Most people know the booked length; it is at least the parts together.
    scheduled = None if rng.random() < 0.2 else min(240, max(45, math.ceil((therapist + aide) / 15) * 15))
    return VisitFacts(kind, scheduled, therapist, aide, others, whole, connected)


def report_rows(
    args: argparse.Namespace, count: int, accounts: Sequence[int], today: date
) -> Iterator[list[tuple[Any, ...]]]:
    """``count`` report rows in batches, in arrival order: each report is about a therapy
    drawn by popularity (a few busy clinics, a long tail), so a clinic's reports are spread
    over the table as they would be after years of arrivals."""
    from caretime.core.evidence import Standing

    rng = random.Random(f"{args.seed}:care-time-bench")
    profiles = clinic_profiles(args.seed)
    offered = services()
    weights = [0.0 if rng.random() < SILENT_SHARE else rng.lognormvariate(0.0, 1.0) for _ in offered]
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    recent: dict[int, list[int]] = {}
    written = 0
    while written < count:
        batch: list[tuple[Any, ...]] = []
        for index in rng.choices(range(len(offered)), cum_weights=cumulative, k=min(LOAD_BATCH, count - written)):
            clinic_id, discipline = offered[index]
            facts = visit(profiles[clinic_id], rng)
            mine = recent.setdefault(index, [])
            if mine and rng.random() < RETURNING_SHARE:
                account = rng.choice(mine)
            else:
                account = accounts[rng.randrange(len(accounts))]
                mine.append(account)
                del mine[:-5]
            visited_in = months_before(today, rng.randrange(MONTHS_BACK))
            received_on = min(today, visited_in + timedelta(days=rng.randrange(45)))
            draw = rng.random()
            standing = Standing.COUNTED
            if not facts.connected:
                if draw < HELD_SHARE:
                    standing = Standing.HELD
                elif draw < HELD_SHARE + REPEAT_SHARE:
                    standing = Standing.REPEAT
                elif draw < HELD_SHARE + REPEAT_SHARE + REJECTED_SHARE:
                    standing = Standing.REJECTED
            batch.append(
                (
                    account,
                    clinic_id,
                    discipline,
                    visited_in,
                    facts.visit_kind.value,
                    facts.scheduled_minutes,
                    facts.therapist_minutes,
                    facts.aide_minutes,
                    facts.other_patients,
                    facts.whole_time.value,
                    facts.connected,
                    rng.random() < 0.1,
                    False,
                    received_on,
                    standing.value,
                )
            )
        written += len(batch)
        yield batch


def create_accounts(count: int) -> list[int]:
    """A pool of ``count`` accounts (unusable passwords, as allauth's code-only sign-in makes
    them), written with plain SQL; returns their ids."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    existing = User.objects.filter(username__startswith=USERNAME_PREFIX).count()
    joined = datetime.now(UTC)
    rows = [
        ("!", False, f"{USERNAME_PREFIX}{n}", "", "", f"{USERNAME_PREFIX}{n}@example.invalid", False, True, joined)
        for n in range(existing, count)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    return account_ids()


def account_ids() -> list[int]:
    from django.contrib.auth.models import User

    return list(User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk").values_list("pk", flat=True))


def load_reports(args: argparse.Namespace, count: int, accounts: Sequence[int]) -> None:
    from django.db import connection, transaction

    today = datetime.now(UTC).date()
    columns = ", ".join(REPORT_COLUMNS)
    started = time.perf_counter()
    written = 0
    for batch in report_rows(args, count, accounts, today):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                connection.ensure_connection()
                raw = connection.connection
                assert raw is not None
                with raw.cursor() as cursor:
                    # The rows are consistent by construction; row-by-row foreign key
                    # triggers would queue ten million deferred checks until the commit.
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    with cursor.copy(f"COPY reports_visitreport ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(REPORT_COLUMNS))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO reports_visitreport ({columns}) VALUES ({placeholders})",
                        [(*row[:3], row[3].isoformat(), *row[4:13], row[13].isoformat(), row[14]) for row in batch],
                    )
        written += len(batch)
        if written % 1_000_000 < LOAD_BATCH:
            print(f"  {written:,} reports written ({time.perf_counter() - started:.0f} s)", flush=True)


def analyze() -> None:
    """Statistics after a bulk load, as production would have them (autovacuum is off on the
    bench machine; SQLite has none until ANALYZE). VACUUM also sets PostgreSQL's visibility
    map, without which no index-only scan is possible."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE reports_visitreport")
            cursor.execute("VACUUM ANALYZE auth_user")
        else:
            cursor.execute("ANALYZE")


def build(args: argparse.Namespace, url: str) -> dict[str, float]:
    """Every step of the build, timed (seconds)."""
    steps: dict[str, float] = {}
    recreate_database(args)
    steps["migrate"] = manage(url, "migrate", "--no-input")
    setup_django(url)
    from caretime.directory.demo import build_demo_region

    # The directory part of ``load_demo`` (clinics, organisations, clinicians, therapies,
    # ANALYZE), without its demo call and visit reports and billing: the visit reports are
    # written below, and the rest is not read here.
    started = time.perf_counter()
    build_demo_region(seed=args.seed, clinics=args.clinics)
    steps[f"build_demo_region(clinics={args.clinics})"] = time.perf_counter() - started
    from caretime.reports.models import VisitReport
    from caretime.reports.services import rebuild_care_time

    started = time.perf_counter()
    accounts = create_accounts(args.accounts)
    steps[f"{len(accounts):,} accounts"] = time.perf_counter() - started
    missing = args.reports - VisitReport.objects.count()
    started = time.perf_counter()
    load_reports(args, max(0, missing), accounts)
    steps[f"{max(0, missing):,} visit reports (plain SQL)"] = time.perf_counter() - started
    started = time.perf_counter()
    analyze()
    steps["ANALYZE"] = time.perf_counter() - started
    started = time.perf_counter()
    rebuild_care_time()
    steps["first rebuild_care_time()"] = time.perf_counter() - started
    return steps


# --- measuring --------------------------------------------------------------------------------


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


@dataclass
class Updates:
    """Seconds per call, by what was timed; outcomes of the submissions."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {"update": [], "aggregate": [], "insert": []})
    counted: list[float] = field(default_factory=list)  # updates that went through the sums
    outcomes: dict[str, int] = field(default_factory=dict)


def measure_updates(args: argparse.Namespace) -> Updates:
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from caretime.directory.models import Clinic
    from caretime.reports.models import ReportArrival, VisitReport
    from caretime.reports.services import DuplicateReport, ReportRefused
    from caretime.shared.limits import LimitReached
    from caretime.verdicts.actions import record_visit_report

    rng = random.Random(f"{args.seed}:updates")
    profiles = clinic_profiles(args.seed)
    picks = rng.choices(services(), k=args.updates)
    clinics = Clinic.objects.prefetch_related("services").in_bulk({clinic_id for clinic_id, _ in picks})
    pool = account_ids()
    users = User.objects.in_bulk(rng.sample(pool, min(len(pool), 2 * args.updates)))
    people = list(users.values())
    # One submission a minute, ending now: a clinic drawn twice within an hour would be
    # held by the burst rule, and ten times within a day refused; both are counted, neither
    # is likely with 100,000 clinics.
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=args.updates + 1)
    result = Updates()
    added: list[int] = []

    def update(
        clinic: Clinic, discipline: str, account: User, facts: VisitFacts, month: date, moment: datetime
    ) -> None:
        began = time.perf_counter()
        try:
            report = record_visit_report(
                account=account, clinic=clinic, discipline=discipline, visited_in=month, facts=facts, now=moment
            )
        except (LimitReached, DuplicateReport, ReportRefused) as refused:
            result.seconds["update"].append(time.perf_counter() - began)
            name = type(refused).__name__
            result.outcomes[name] = result.outcomes.get(name, 0) + 1
            return
        took = time.perf_counter() - began
        result.seconds["update"].append(took)
        added.append(report.pk)
        result.outcomes[report.standing] = result.outcomes.get(report.standing, 0) + 1
        if report.counts:
            result.counted.append(took)

    def aggregate(cursor: CursorWrapper, clinic_id: int, discipline: str) -> None:
        began = time.perf_counter()
        cursor.execute(ONE_CLINIC_AGGREGATE, [clinic_id, discipline])
        cursor.fetchone()
        result.seconds["aggregate"].append(time.perf_counter() - began)

    def insert(clinic_id: int, discipline: str, account: User, facts: VisitFacts, month: date, day: date) -> None:
        began = time.perf_counter()
        with transaction.atomic():
            row = VisitReport.objects.create(
                account=account,
                clinic_id=clinic_id,
                discipline=discipline,
                visited_in=month,
                visit_kind=facts.visit_kind.value,
                scheduled_minutes=facts.scheduled_minutes,
                therapist_minutes=facts.therapist_minutes,
                aide_minutes=facts.aide_minutes,
                other_patients=facts.other_patients,
                whole_time=facts.whole_time.value,
                connected=facts.connected,
                received_on=day,
                standing="rejected",  # counts nowhere, so the stored sums stay right
            )
        result.seconds["insert"].append(time.perf_counter() - began)
        added.append(row.pk)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for number, (clinic_id, discipline) in enumerate(picks):
            clinic = clinics[clinic_id]
            moment = start + timedelta(minutes=number)
            facts = visit(profiles[clinic_id], rng)
            month = months_before(moment.date(), rng.randrange(MONTHS_BACK - 1))
            # The baseline row gets another person, or the update would find it a duplicate.
            account, other = people[(2 * number) % len(people)], people[(2 * number + 1) % len(people)]
            steps: list[Callable[[], None]] = [
                functools.partial(aggregate, cursor, clinic_id, discipline),
                functools.partial(insert, clinic_id, discipline, other, facts, month, moment.date()),
                functools.partial(update, clinic, discipline, account, facts, month, moment),
            ]
            # Rotating order: whichever runs first pays for reading the clinic's pages.
            turn = number % len(steps)
            for step in steps[turn:] + steps[:turn]:
                step()
            if (number + 1) % 2000 == 0:
                print(f"  {number + 1:,} submissions ({time.perf_counter() - started:.0f} s)", flush=True)
    # Leave the database as built: the next measurement and the next run start from it.
    for first in range(0, len(added), 500):
        VisitReport.objects.filter(pk__in=added[first : first + 500]).delete()
    ReportArrival.objects.filter(arrived_at__gte=start).delete()
    return result


@dataclass
class Rebuilds:
    rebuild: list[float] = field(default_factory=list)
    aggregate: list[float] = field(default_factory=list)
    # (RSS before, peak RSS during) in MB, per run
    memory: list[tuple[float, float]] = field(default_factory=list)
    aggregate_memory: list[tuple[float, float]] = field(default_factory=list)
    clinic_rows: int = 0
    groups: int = 0


def measure_rebuilds(args: argparse.Namespace) -> Rebuilds:
    from django.db import connection

    from caretime.reports.services import rebuild_care_time

    result = Rebuilds()

    def aggregate() -> None:
        before = reset_peak_memory()
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(ALL_CLINICS_AGGREGATE)
            result.groups = len(cursor.fetchall())
        result.aggregate.append(time.perf_counter() - began)
        result.aggregate_memory.append((before, peak_memory_mb()))

    def rebuild() -> None:
        before = reset_peak_memory()
        began = time.perf_counter()
        result.clinic_rows = rebuild_care_time()
        result.rebuild.append(time.perf_counter() - began)
        result.memory.append((before, peak_memory_mb()))

    for number in range(args.rebuild_rounds):
        # ABBA: a drift in the machine's load falls on both alike.
        for step in (aggregate, rebuild) if number % 2 == 0 else (rebuild, aggregate):
            step()
        print(
            f"  round {number + 1}: plain aggregate {result.aggregate[-1]:.1f} s, rebuild {result.rebuild[-1]:.1f} s",
            flush=True,
        )
    return result


def rebuild_parts() -> dict[str, float]:
    """The rebuild's queries timed apart, the same querysets it runs; the rest of its time is
    Python (scaling the groups, building the rows) and the writes, timed here as a delete and
    a bulk_create of the same rows."""
    from django.db import connection, transaction
    from django.db.models import Count, Q

    from caretime.core.evidence import Standing
    from caretime.reports.models import ClinicCareTime, RegionCareTime, VisitReport
    from caretime.reports.services import _INDICATORS

    parts: dict[str, float] = {}
    counted = VisitReport.objects.filter(standing=Standing.COUNTED.value, connected=False)
    grouped = counted.values("clinic_id", "discipline", "visited_in").annotate(**_INDICATORS).order_by()
    statement, params = grouped.query.sql_with_params()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = len(cursor.fetchall())
    parts[f"GROUP BY clinic, therapy, month: the SQL alone ({rows:,} groups as tuples)"] = time.perf_counter() - began
    began = time.perf_counter()
    list(grouped)
    parts["GROUP BY clinic, therapy, month: as the rebuild reads it (dicts)"] = time.perf_counter() - began
    began = time.perf_counter()
    list(
        counted.values("clinic_id", "discipline")
        .annotate(accounts=Count("account_id", distinct=True), without_account=Count("pk", filter=Q(account=None)))
        .order_by()
    )
    parts["reporters: COUNT(DISTINCT account) by clinic, therapy"] = time.perf_counter() - began
    began = time.perf_counter()
    list(
        VisitReport.objects.filter(connected=True).values("clinic_id", "discipline").annotate(n=Count("pk")).order_by()
    )
    parts["connected reports by clinic, therapy"] = time.perf_counter() - began
    clinic_rows = list(ClinicCareTime.objects.all())
    region_rows = list(RegionCareTime.objects.all())
    for row in [*clinic_rows, *region_rows]:
        row.pk = None
    began = time.perf_counter()
    with transaction.atomic():
        ClinicCareTime.objects.all().delete()
        RegionCareTime.objects.all().delete()
        ClinicCareTime.objects.bulk_create(clinic_rows, batch_size=2000)
        RegionCareTime.objects.bulk_create(region_rows)
    parts[f"writes: delete and bulk_create {len(clinic_rows):,} + {len(region_rows)} rows"] = (
        time.perf_counter() - began
    )
    return parts


# --- the report -------------------------------------------------------------------------------


def machine_note(args: argparse.Namespace) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = str(cursor.fetchone()[0]).split(" on ")[0]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{args.database} ({version}), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}"


def print_updates(updates: Updates) -> bool:
    times = {name: [s * 1000 for s in seconds] for name, seconds in updates.seconds.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    p99 = {name: percentile(values, 99) for name, values in times.items()}
    print(f"\nOne update ({len(times['update']):,} submissions; outcomes {updates.outcomes})")
    print(f"{'what':<44} {'median ms':>10} {'p99 ms':>8} {'x aggregate':>12} {'x insert':>9}")
    labels = {
        "aggregate": "plain aggregate of the clinic (baseline)",
        "insert": "insert of one report row (baseline)",
        "update": "record_visit_report",
    }
    for name in ("aggregate", "insert", "update"):
        print(
            f"{labels[name]:<44} {median[name]:>10.2f} {p99[name]:>8.2f}"
            f" {median[name] / median['aggregate']:>12.2f} {median[name] / median['insert']:>9.2f}"
        )
    if updates.counted:
        counted = [s * 1000 for s in updates.counted]
        print(
            f"{'  of which counted (sums updated)':<44} {statistics.median(counted):>10.2f}"
            f" {percentile(counted, 99):>8.2f}"
        )
    print(
        f"ratios of p99: x aggregate {p99['update'] / p99['aggregate']:.2f}, x insert {p99['update'] / p99['insert']:.2f}"
    )
    met = p99["update"] <= UPDATE_P99_TARGET_MS
    print(f"update p99 {p99['update']:.2f} ms (target <= {UPDATE_P99_TARGET_MS:.0f} ms: {'met' if met else 'NOT met'})")
    return met


def print_rebuilds(rebuilds: Rebuilds, parts: dict[str, float]) -> bool:
    aggregate, rebuild = statistics.median(rebuilds.aggregate), statistics.median(rebuilds.rebuild)
    print(f"\nFull rebuild ({rebuilds.clinic_rows:,} clinic rows; the plain aggregate returns {rebuilds.groups:,})")
    print(f"{'what':<44} {'median s':>9} {'runs s':>24} {'peak RSS MB (growth)':>21}")
    for label, runs, memory in (
        ("plain GROUP BY clinic, therapy (baseline)", rebuilds.aggregate, rebuilds.aggregate_memory),
        ("rebuild_care_time()", rebuilds.rebuild, rebuilds.memory),
    ):
        shown = " / ".join(f"{value:.1f}" for value in runs)
        peak = f"{max(p for _, p in memory):.0f} (+{max(p - b for b, p in memory):.0f})"
        print(f"{label:<44} {statistics.median(runs):>9.2f} {shown:>24} {peak:>21}")
    ratio = rebuild / aggregate
    met = ratio <= REBUILD_RATIO_TARGET
    print(
        f"ratio rebuild / plain aggregate: {ratio:.2f} (target <= {REBUILD_RATIO_TARGET:.0f}: {'met' if met else 'NOT met'})"
    )
    if parts:
        print("\nParts of the rebuild, timed apart (one run each):")
        for label, seconds in parts.items():
            print(f"  {label:<76} {seconds:>6.1f} s")
    return met


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.database == "postgres":
        postgres_names(args)  # refuse a shared database before anything is dropped
    url = database_url(args)
    steps: dict[str, float] = {}
    if args.skip_build:
        setup_django(url)
    else:
        print(f"Building {url}: {args.clinics:,} clinics, {args.reports:,} visit reports", flush=True)
        steps = build(args, url)
    from caretime.directory.models import Clinic
    from caretime.reports.models import ClinicCareTime, VisitReport

    print(
        f"{Clinic.objects.count():,} clinics, {VisitReport.objects.count():,} visit reports,"
        f" {ClinicCareTime.objects.count():,} clinic therapies with sums, {len(account_ids()):,} bench accounts"
    )
    for label, seconds in steps.items():
        print(f"  build: {label}: {seconds:.0f} s")
    print(machine_note(args), flush=True)
    if args.build_only:
        return
    print(f"\nTiming {args.updates:,} submissions...", flush=True)
    updates = measure_updates(args)
    print(f"Timing {args.rebuild_rounds} rebuilds...", flush=True)
    rebuilds = measure_rebuilds(args)
    parts = {} if args.no_parts else rebuild_parts()
    print("\n" + machine_note(args))
    update_met = print_updates(updates)
    rebuild_met = print_rebuilds(rebuilds, parts)
    print(f"\npeak RSS of the whole process: {peak_memory_mb():.0f} MB (since the last reset)")
    if args.drop:
        from django.db import connection

        connection.close()
        recreate_database(args, create=False)
    print(f"\ntargets: update p99 {'met' if update_met else 'NOT met'}, rebuild {'met' if rebuild_met else 'NOT met'}")


if __name__ == "__main__":
    main()
