"""Rebuilding every stored verdict sum against a plain SQL aggregate over the same reports, in one run.

    .venv/bin/python bench/verdict_sums.py --database sqlite
    .venv/bin/python bench/verdict_sums.py --database postgres
    .venv/bin/python bench/verdict_sums.py --database sqlite --skip-build   # reuse the last build

The build (skipped with --skip-build) is the one of ``bench/verdict_search.py`` (and of
``bench/search.py``): a fresh database of its own with the demo region's 100,000 clinics and
1,000,000 demo call reports spread over their therapies, then ``rebuild_verdict_sums``.

Then, in this process, with production settings (DEBUG off, so no query log), rounds in ABBA
order of

- the plain aggregate: ``SELECT clinic_id, discipline, count(*), max(called_in),
  sum(therapist_minutes) FROM reports_callreport WHERE standing = 'counted' GROUP BY
  clinic_id, discipline``, every row fetched;
- reading the reports: the same counted call reports' columns that the evidence is made of
  (``EVIDENCE_COLUMNS`` with clinic, therapy and account), every row fetched through the
  database driver and nothing else done with them;
- writing the rows: the stored rows, read once before the rounds, deleted and written again
  with ``bulk_create`` in a transaction that is rolled back. Reading and writing together are
  the least any rebuild that works out the sums in Python costs;
- ``rebuild_verdict_sums()``: every source's evidence of every clinic read through the one
  evidence path, grown into sums (``caretime.core.verdict.grow``) and written, 2,000 clinics
  per transaction.

On PostgreSQL the stored sums are vacuumed before each step, untimed, as autovacuum would
(it is off on the benchmark machine). The ratio of the medians is the figure that counts (target: within 2x). Written to
bench/out/verdict-sums-<database>.json. See docs/performance.md, "Rebuilding the verdict sums".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from verdict_search import BuildOptions, build_database, database_url, setup_django

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PLAIN_AGGREGATE = (
    "SELECT clinic_id, discipline, count(*), max(called_in), sum(therapist_minutes) FROM reports_callreport"
    " WHERE standing = 'counted' GROUP BY clinic_id, discipline"
)
RATIO_TARGET = 2.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    BuildOptions.add_to(parser)
    parser.add_argument("--rounds", type=int, default=4, help="rebuilds (and plain aggregates) timed (default 4)")
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    options = BuildOptions.of(args)
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.skip_build:
        print(f"build: {build_database(options):.0f} s")
    setup_django(database_url(options))
    from django.db import connection, transaction

    from caretime.reports.models import EVIDENCE_COLUMNS, CallReport
    from caretime.verdicts.models import VerdictSums
    from caretime.verdicts.sums import rebuild_verdict_sums

    reports = CallReport.objects.count()
    print(f"{reports:,} call reports, {VerdictSums.objects.count():,} stored sums; load average {os.getloadavg()}")
    aggregate: list[float] = []
    rebuild: list[float] = []
    reading: list[float] = []
    writing: list[float] = []
    stored = list(VerdictSums.objects.values_list("clinic_id", "discipline", "sums", "people", "newest"))
    rows = groups = 0
    columns = ", ".join(("clinic_id", "discipline", "account_id", *EVIDENCE_COLUMNS))
    read_query = f"SELECT {columns} FROM reports_callreport WHERE standing = 'counted'"

    def vacuum() -> None:
        """This machine's PostgreSQL runs without autovacuum, which production has: without it,
        every rebuild and write leaves 107,113 dead rows behind, and each round is slower
        than the last."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {VerdictSums._meta.db_table}")

    def plain() -> None:
        nonlocal groups
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_AGGREGATE)
            groups = len(cursor.fetchall())
        aggregate.append(time.perf_counter() - started)

    def read() -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(read_query)
            cursor.fetchall()
        reading.append(time.perf_counter() - started)

    def write() -> None:
        started = time.perf_counter()
        with transaction.atomic():
            VerdictSums.objects.all().delete()
            VerdictSums.objects.bulk_create(
                (
                    VerdictSums(clinic_id=clinic_id, discipline=code, sums=sums, people=people, newest=newest)
                    for clinic_id, code, sums, people, newest in stored
                ),
                batch_size=5000,
            )
            transaction.set_rollback(True)
        writing.append(time.perf_counter() - started)

    def ours() -> None:
        nonlocal rows
        started = time.perf_counter()
        rows = rebuild_verdict_sums()
        rebuild.append(time.perf_counter() - started)

    load_before = os.getloadavg()[0]
    for number in range(args.rounds):
        # ABBA: a drift in the machine's load falls on both alike.
        for step in (plain, read, write, ours) if number % 2 == 0 else (ours, write, read, plain):
            vacuum()
            step()
        print(
            f"  round {number + 1}: plain aggregate {aggregate[-1]:.2f} s, reading the reports {reading[-1]:.2f} s, "
            f"writing the rows {writing[-1]:.2f} s, rebuild {rebuild[-1]:.2f} s",
            flush=True,
        )
    load_after = os.getloadavg()[0]
    ratio = statistics.median(rebuild) / statistics.median(aggregate)
    print(
        f"\n{args.database}: plain aggregate median {statistics.median(aggregate):.2f} s ({groups:,} groups), "
        f"rebuild_verdict_sums median {statistics.median(rebuild):.2f} s ({rows:,} rows), ratio {ratio:.2f} "
        f"({'met' if ratio <= RATIO_TARGET else 'NOT met'}: target <= {RATIO_TARGET}); peak RSS {peak_rss_mb():.0f} MB; "
        f"load average before/after {load_before:.1f} / {load_after:.1f}"
    )
    base = statistics.median(aggregate)
    for name, times in (("reading the reports", reading), ("writing the rows", writing)):
        print(f"{name} alone: median {statistics.median(times):.2f} s, ratio {statistics.median(times) / base:.2f}")
    record = {
        "database": args.database,
        "call_reports": reports,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "aggregate_seconds": aggregate,
        "rebuild_seconds": rebuild,
        "reading_seconds": reading,
        "writing_seconds": writing,
        "ratio": ratio,
        "groups": groups,
        "rows": rows,
        "peak_rss_mb": peak_rss_mb(),
        "load_average": {"before": load_before, "after": load_after},
    }
    (OUT / f"verdict-sums-{args.database}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
