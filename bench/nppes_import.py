"""NPPES import against the engine's own scan of the same file, in the same run.

    .venv/bin/python bench/nppes_import.py --rows 2000000 --dir /tmp/nppes-bench

Generates the main file (unless it is already there), then runs two child processes one
after the other, each measuring its own wall time and peak resident memory:

- scan (run before and after the import, and averaged, because a shared machine drifts):
  Polars reads the file with the importer's filter (therapy taxonomy in any of the
  15 slots, or a deactivation date) and counts the rows it keeps; nothing else.
- import: ``import_nppes`` into a fresh database (SQLite in the directory, or the
  PostgreSQL database of DATABASE_URL): the same scan plus row checks, geocoding and writes.

Prints both, the throughput ratio (scan time / import time; the target is >= 0.5) and the
projected import time for the real file (about 9 million rows), scaled linearly by rows.
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

    started, cpu = time.perf_counter(), _cpu_seconds()
    result = import_nppes(main_path=path)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
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

    scan_before = _run_child("scan", path, database_url)
    imported = _run_child("import", path, database_url)
    scan_after = _run_child("scan", path, database_url)
    scan = {
        "seconds": (scan_before["seconds"] + scan_after["seconds"]) / 2,
        "cpu_seconds": (scan_before["cpu_seconds"] + scan_after["cpu_seconds"]) / 2,
        "kept": scan_before["kept"],
        "peak_rss_mb": max(scan_before["peak_rss_mb"], scan_after["peak_rss_mb"]),
    }
    ratio = scan["seconds"] / imported["seconds"]
    projected = imported["seconds"] * REAL_FILE_ROWS / rows
    engine = database_url.split(":", 1)[0]
    print(f"file: {path} ({rows:,} rows, {size_gb:.2f} GB); database: {engine}")
    print(f"scan before the import {scan_before['seconds']:.1f} s, after {scan_after['seconds']:.1f} s")
    print(
        f"scan   (Polars, same filter): {scan['seconds']:7.1f} s  {rows / scan['seconds']:>10,.0f} rows/s  "
        f"peak RSS {scan['peak_rss_mb']:,.0f} MB  ({scan['kept']:,} rows kept)"
    )
    print(
        f"import (scan + checks + writes): {imported['seconds']:7.1f} s  {rows / imported['seconds']:>10,.0f} rows/s  "
        f"peak RSS {imported['peak_rss_mb']:,.0f} MB  ({imported['clinics']:,} clinics, "
        f"{imported['clinicians']:,} clinicians, {imported['bad_rows']:,} bad rows)"
    )
    print(f"throughput ratio import/scan: {ratio:.2f} (target >= 0.5)")
    print(
        f"CPU seconds (user + system, all threads): scan {scan['cpu_seconds']:.1f}, import {imported['cpu_seconds']:.1f}; "
        f"ratio {scan['cpu_seconds'] / imported['cpu_seconds']:.2f}"
    )
    print(f"projected import of the real file ({REAL_FILE_ROWS:,} rows): {projected / 60:.1f} min")


if __name__ == "__main__":
    main()
