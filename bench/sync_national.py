"""A whole public-data sync at national size: time, disk and memory.

    .venv/bin/python bench/sync_national.py --scale 1.0 --dir /tmp/sync-bench

Generates (unless already there) one release of the three sources in the exact formats,
named and packed as the publishers do: the NPPES monthly archive (main file of
9,000,000 x scale rows, its practice-location file and the other members), the Doctors and
Clinicians national file (3,400,000 x scale rows) and the Medicare file (10,000,000 x scale
rows). It serves them from a local HTTP server with Range support, then runs
``sync_public_data --source-url`` in a child process against a fresh database (SQLite in the
directory, or the empty PostgreSQL database of --database-url) and prints:

- wall time of each step (fetching, checking, importing each source, the indicators) and in
  all, and CPU seconds of the child;
- peak resident memory of the child;
- peak disk use of the sync's working directory (sampled every 0.2 s), the sizes of the
  files served, and the database's size afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NPPES_ROWS = 9_000_000
DOCTORS_CLINICIANS_ROWS = 3_400_000
MEDICARE_ROWS = 10_000_000


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
    os.environ.setdefault("DEBUG", "false")  # no query log, as a real sync runs
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("WORKER_REPORT_KEY", "benchmark-only-worker-report-key-0123456789abcdefgh")
    import django

    django.setup()


def generate(mirror: Path, work: Path, scale: float) -> None:
    """The three files under their real names (skipped when already there)."""
    _django(f"sqlite:///{work / 'unused.sqlite3'}")
    from caretime.billing.generate import write_medicare_file
    from caretime.datasets.generators import write_doctors_clinicians_file, write_nppes_files

    nppes_rows = int(NPPES_ROWS * scale)
    archive = mirror / "NPPES_Data_Dissemination_November_2026.zip"
    if not archive.exists():
        main, side = work / "npidata.csv", work / "pl.csv"
        started = time.monotonic()
        write_nppes_files(main_path=main, locations_path=side, rows=nppes_rows, seed=1)
        print(f"generated NPPES {nppes_rows:,} rows in {time.monotonic() - started:.0f} s", flush=True)
        started = time.monotonic()
        # Level 1 deflate: quicker to write here; the reader's work is the same at any level.
        with zipfile.ZipFile(archive.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            out.write(main, "npidata_pfile_20050523-20261109.csv")
            out.write(side, "pl_pfile_20050523-20261109.csv")
        archive.with_suffix(".tmp").rename(archive)
        main.unlink()
        side.unlink()
        print(f"zipped NPPES in {time.monotonic() - started:.0f} s", flush=True)
    rosters = mirror / "DAC_NationalDownloadableFile.csv"
    if not rosters.exists():
        started = time.monotonic()
        write_doctors_clinicians_file(
            path=rosters, rows=int(DOCTORS_CLINICIANS_ROWS * scale), seed=1, nppes_rows=nppes_rows
        )
        print(f"generated Doctors and Clinicians in {time.monotonic() - started:.0f} s", flush=True)
    medicare = mirror / "MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv"
    if not medicare.exists():
        started = time.monotonic()
        write_medicare_file(medicare, rows=int(MEDICARE_ROWS * scale), seed=1)
        print(f"generated Medicare in {time.monotonic() - started:.0f} s", flush=True)


def child(url: str, database_url: str, work_dir: Path) -> dict[str, Any]:
    os.environ["PUBLIC_DATA_DIR"] = str(work_dir)
    _django(database_url)
    from django.core.management import call_command

    from caretime.datasets.sync import Locations, sync_public_data
    from caretime.verdicts.management.commands.sync_public_data import medicare_steps

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    steps: list[tuple[float, str]] = []

    def say(line: str) -> None:
        steps.append((time.monotonic() - started, line))

    result = sync_public_data(locations=Locations.configured(url), medicare=medicare_steps(), say=say)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "wall_s": time.monotonic() - started,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "steps": steps,
        "imported": [str(release.label) for release in result.imported],
        "rows_read": {str(release.label): release.rows_read for release in result.imported},
    }


def _size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # removed while we walk: the sync cleans up
            total += path.stat().st_size if path.is_file() else 0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="Share of national size (default 1.0).")
    parser.add_argument("--dir", type=Path, required=True, help="Working directory (generated files are kept).")
    parser.add_argument("--database-url", default="", help="An empty PostgreSQL database (default: SQLite).")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, database_url, work_dir = args.child
        print(json.dumps(child(url, database_url, Path(work_dir))))
        return
    mirror, work, sync_dir = args.dir / "mirror", args.dir / "work", args.dir / "public-data"
    for folder in (mirror, work):
        folder.mkdir(parents=True, exist_ok=True)
    generate(mirror, work, args.scale)
    served = {path.name: path.stat().st_size for path in mirror.iterdir()}
    database = args.dir / "sync.sqlite3"
    database.unlink(missing_ok=True)
    database_url = args.database_url or f"sqlite:///{database}"

    from tests.datasets.release_server import serve

    server = serve(mirror)
    site = next(server)
    peak_disk = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_disk
        while not done.wait(0.2):
            if sync_dir.exists():
                peak_disk = max(peak_disk, _size(sync_dir))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = subprocess.run(
        [sys.executable, __file__, "--dir", str(args.dir), "--child", site.url, database_url, str(sync_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    done.set()
    sampler.join()
    next(server, None)
    measured = json.loads(output.strip().splitlines()[-1])
    print(f"date: {dt.date.today()}  scale: {args.scale}  database: {'PostgreSQL' if args.database_url else 'SQLite'}")
    print("served: " + ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in sorted(served.items())))
    for seconds, line in measured["steps"]:
        print(f"  {seconds:8.1f} s  {line}")
    print(f"wall: {measured['wall_s']:.0f} s   CPU (child): {measured['cpu_s']:.0f} s")
    print(f"peak resident memory (child): {measured['peak_rss_mb']:.0f} MB")
    print(f"peak disk in the sync's directory: {peak_disk / 1e9:.2f} GB")
    if not args.database_url:
        print(f"database afterwards: {database.stat().st_size / 1e9:.2f} GB")
    print(f"rows read: {json.dumps(measured['rows_read'])}")


if __name__ == "__main__":
    main()
