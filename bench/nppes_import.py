"""NPPES import against the engine's own scan of the same file, in the same run.

    .venv/bin/python bench/nppes_import.py --rows 2000000 --dir /tmp/nppes-bench

Generates the main file (unless it is already there), then runs two child processes one
after the other, each measuring its own wall time and peak resident memory:

- scan (run before and after the import, and averaged, because a shared machine drifts):
  Polars reads the file with the importer's filter (therapy taxonomy in any of the
  15 slots, or a deactivation date) and counts the rows it keeps; nothing else.
- import: ``import_nppes`` into a fresh database (SQLite in the directory, or the
  PostgreSQL database of --database-url, which must be empty): the same scan plus row
  checks, geocoding and writes;
- re-import: the same file again into the database the import filled (every row updated in
  place), as a monthly full file does.

Order: scan, import, re-import, scan. Prints each, the throughput ratios (scan time / import
time; the target is >= 0.5), the peak resident memory of each process (target <= 1.5 GB),
the CPU time of the import process and, on PostgreSQL, of its database server process, the
load average before and after, and the projected import time for the real file (about
9 million rows), scaled linearly by rows. The figures are also written to
bench/out/nppes-import-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REAL_FILE_ROWS = 9_000_000
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
    # Production settings: DEBUG off (no query log), as a real import runs.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("WORKER_REPORT_KEY", "benchmark-only-worker-report-key-0123456789abcdefgh")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _server_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL server process (on this machine), from /proc;
    None on SQLite, whose work runs in the import's own process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def child(phase: str, path: Path, database_url: str) -> dict[str, Any]:
    _django(database_url)
    from django.core.management import call_command

    if phase == "scan":
        from caretime.datasets.nppes import scan_nppes

        started, cpu = time.perf_counter(), _cpu_seconds()
        kept = scan_nppes(path)
        return {
            "seconds": time.perf_counter() - started,
            "cpu_seconds": _cpu_seconds() - cpu,
            "kept": kept,
            "peak_rss_mb": _peak_rss_mb(),
        }

    call_command("migrate", verbosity=0)
    from caretime.datasets.runs import import_nppes
    from caretime.directory.models import Clinic, Clinician

    server_cpu = _server_cpu_seconds()
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = import_nppes(main_path=path)
    seconds = time.perf_counter() - started
    server_cpu_after = _server_cpu_seconds()
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "server_cpu_seconds": server_cpu_after - server_cpu if server_cpu_after and server_cpu is not None else None,
        "created": sum(result.main.created.values()),
        "updated": sum(result.main.updated.values()),
        "kept": result.main.read,
        "bad_rows": result.main.bad_row_count,
        "clinics": Clinic.objects.count(),
        "clinicians": Clinician.objects.count(),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _run_child(phase: str, path: Path, database_url: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", phase, "--file", str(path), "--database-url", database_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nppes-bench"))
    parser.add_argument("--database-url", default="", help="Default: a fresh SQLite file in --dir.")
    parser.add_argument("--child", choices=["scan", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(child(args.child, args.file, args.database_url)))
        return

    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"npidata_pfile_generated_seed{args.seed}.csv"
    if not path.exists():
        _django("sqlite:///" + str(args.dir / "unused.sqlite3"))
        from caretime.datasets.generators import write_nppes_files

        print(f"generating {args.rows:,} rows into {path} ...", flush=True)
        write_nppes_files(main_path=path, locations_path=None, rows=args.rows, seed=args.seed)
    rows = sum(1 for _ in path.open("rb")) - 1
    size_gb = path.stat().st_size / 1e9
    database_url = args.database_url
    if not database_url:
        database = args.dir / "bench.sqlite3"
        for leftover in args.dir.glob("bench.sqlite3*"):
            leftover.unlink()
        database_url = f"sqlite:///{database}"

    load_before = os.getloadavg()
    scan_before = _run_child("scan", path, database_url)
    imported = _run_child("import", path, database_url)
    reimported = _run_child("import", path, database_url)
    scan_after = _run_child("scan", path, database_url)
    load_after = os.getloadavg()
    scan = {
        "seconds": (scan_before["seconds"] + scan_after["seconds"]) / 2,
        "cpu_seconds": (scan_before["cpu_seconds"] + scan_after["cpu_seconds"]) / 2,
        "kept": scan_before["kept"],
        "peak_rss_mb": max(scan_before["peak_rss_mb"], scan_after["peak_rss_mb"]),
    }
    engine = database_url.split(":", 1)[0]
    print(f"file: {path} ({rows:,} rows, {size_gb:.2f} GB); database: {engine}")
    print(f"load average (1, 5, 15 min) before: {_loads(load_before)}, after: {_loads(load_after)}")
    print(f"scan before the imports {scan_before['seconds']:.1f} s, after {scan_after['seconds']:.1f} s")
    print(
        f"scan   (Polars, same filter): {scan['seconds']:7.1f} s  {rows / scan['seconds']:>10,.0f} rows/s  "
        f"CPU {scan['cpu_seconds']:.1f} s  peak RSS {scan['peak_rss_mb']:,.0f} MB  ({scan['kept']:,} rows kept)"
    )
    for label, run in (("import", imported), ("re-import", reimported)):
        server = f" + server {run['server_cpu_seconds']:.1f} s" if run["server_cpu_seconds"] is not None else ""
        print(
            f"{label:9} (scan + checks + writes): {run['seconds']:7.1f} s  {rows / run['seconds']:>10,.0f} rows/s  "
            f"CPU {run['cpu_seconds']:.1f} s{server}  peak RSS {run['peak_rss_mb']:,.0f} MB  "
            f"({run['clinics']:,} clinics, {run['clinicians']:,} clinicians, {run['bad_rows']:,} bad rows; "
            f"{run['created']:,} created, {run['updated']:,} updated)"
        )
        print(
            f"  throughput ratio {label}/scan: {scan['seconds'] / run['seconds']:.2f} (target >= 0.5); "
            f"CPU ratio {scan['cpu_seconds'] / run['cpu_seconds']:.2f}; "
            f"projected for the real file ({REAL_FILE_ROWS:,} rows): {run['seconds'] * REAL_FILE_ROWS / rows / 60:.1f} min"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    record = {
        "file": str(path),
        "rows": rows,
        "database": engine,
        "load_before": load_before,
        "load_after": load_after,
        "scan_before": scan_before,
        "scan_after": scan_after,
        "import": imported,
        "reimport": reimported,
        "ratio_import": scan["seconds"] / imported["seconds"],
        "ratio_reimport": scan["seconds"] / reimported["seconds"],
    }
    (OUT / f"nppes-import-{engine}.json").write_text(json.dumps(record, indent=2) + "\n")


def _loads(loads: tuple[float, float, float]) -> str:
    return " / ".join(f"{load:.1f}" for load in loads)


if __name__ == "__main__":
    main()
