"""The open data export (``manage.py export_open_data``) against a plain dump of the same clinics,
in one run, on a database that already holds a directory (e.g. ``load_demo --clinics 100000``).

    DEBUG=true DATABASE_URL=sqlite:////tmp/od100k.sqlite3 .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=sqlite:////tmp/od100k.sqlite3 .venv/bin/python manage.py load_demo --clinics 100000
    DATABASE_URL=sqlite:////tmp/od100k.sqlite3 .venv/bin/python bench/open_data_export.py

Steps, each timed once (an export takes minutes, long enough that one round is a fair sample):

- the plain dump: every clinic with its organisation read through the ORM and written to a CSV
  file with the csv module, nothing else (the least any export of the directory costs);
- the release: ``write_release`` into a temporary folder, everything ``export_open_data`` does
  (verdicts and Care Time through the evidence path, published clinicians' figures, billing,
  CSV, Parquet, the data package, the sums).

The ratio of the release to the plain dump is the figure that counts. See docs/performance.md,
"Open data export".
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
os.environ.setdefault("DEBUG", "true")


def main() -> None:
    import django

    django.setup()
    from caretime.directory.models import Clinic
    from caretime.opendata.export import write_release

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with (Path(folder) / "plain.csv").open("w", newline="") as stream:
            writer = csv.writer(stream)
            rows = Clinic.objects.select_related("organization").order_by("pk")
            for clinic in rows.iterator(chunk_size=2000):
                writer.writerow(
                    [clinic.pk, clinic.organization.display_name, clinic.name, clinic.city, clinic.zip_code]
                )
        plain = time.perf_counter() - started

        started = time.perf_counter()
        release = write_release(Path(folder), date.today())
        export = time.perf_counter() - started
        sizes = {path.name: path.stat().st_size for path in release.folder.iterdir()}

    print(f"rows: {release.rows}")
    print(f"files: {', '.join(f'{name} {size / 1e6:.1f} MB' for name, size in sorted(sizes.items()))}")
    print(f"total size: {sum(sizes.values()) / 1e6:.1f} MB")
    print(f"plain dump: {plain:.1f} s; release: {export:.1f} s; ratio {export / plain:.1f}x")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
