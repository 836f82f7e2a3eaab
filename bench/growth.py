"""Cost as the work grows: the search benchmark at several directory sizes, one table, one plot.

    .venv/bin/python bench/growth.py                       # 10,000, 100,000 and 300,000 clinics, both databases
    .venv/bin/python bench/growth.py --sizes 10000,100000 --databases sqlite

For each database and size, runs ``bench/search.py`` on a database of its own (built on the
first run, with 10 demo call reports per clinic and the realistic mix of the other evidence
search.py builds, and reused after while its record of the build says it has the mix: SQLite
``bench/out/growth-<size>.sqlite3``, PostgreSQL ``bench<size>`` such as ``bench300k``): first-time
API searches, results pages with verdicts (meeting the bar first, and only those), and clinic
pages, each in ABBA rounds with the trivial view. Writes the table to bench/out/growth.md and
the plot, worker CPU per request against the number of clinics, to docs/search-growth.svg.
The figures that count are how each cost grows from size to size, next to how the number of
clinics in the search's radius grows. See docs/performance.md, "Cost as the work grows".
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import search

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SVG = ROOT / "docs" / "search-growth.svg"
ENDPOINTS = {
    "first-time": "API search, first time",
    "page-nearest": "results page, nearest first",
    "page-verdict": "results page, meeting the bar only",
    "clinic-page": "clinic page",
}
COLOURS = {"first-time": "#1b6ca8", "page-nearest": "#2e8540", "page-verdict": "#c05a00", "clinic-page": "#6f42c1"}
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000,300000", help="clinics, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="server of the bench databases"
    )
    parser.add_argument("--rounds", type=int, default=4, help="ABBA rounds per size (default 4)")
    parser.add_argument("--rebuild", action="store_true", help="build every database again")
    parser.add_argument(
        "--plot-only", action="store_true", help="write the table and the plot from the figures of earlier runs"
    )
    parser.add_argument("--note", default="", help="a line written under the plot (how the figures were made)")
    return parser.parse_args(argv)


def label(clinics: int) -> str:
    return f"{clinics // 1000}k"


def postgres_url(server: str, clinics: int) -> str:
    return f"{server.rstrip('/')}/bench{label(clinics)}"


def sqlite_file(clinics: int) -> Path:
    return OUT / f"growth-{label(clinics)}.sqlite3"


def figures_file(database: str, clinics: int) -> Path:
    return OUT / f"growth-{database}-{label(clinics)}.json"


def database_url(database: str, clinics: int, server: str) -> str:
    return f"sqlite:///{sqlite_file(clinics).resolve()}" if database == "sqlite" else postgres_url(server, clinics)


def already_built(database: str, clinics: int, server: str) -> bool:
    """Whether the database exists and was built with the mix (a database built before the mix
    has no record of its build, and is built again)."""
    if not search.build_record_path(database_url(database, clinics, server)).exists():
        return False
    if database == "sqlite":
        return sqlite_file(clinics).exists()
    name = urlsplit(postgres_url(server, clinics)).path.lstrip("/")
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return found is not None


def run(database: str, clinics: int, args: argparse.Namespace) -> None:
    command = [
        sys.executable,
        str(ROOT / "bench" / "search.py"),
        f"--database={database}",
        f"--clinics={clinics}",
        f"--sqlite-file={sqlite_file(clinics)}",
        f"--postgres-url={postgres_url(args.postgres, clinics)}",
        f"--endpoints={','.join(ENDPOINTS)}",
        f"--rounds={args.rounds}",
        f"--json={figures_file(database, clinics)}",
        "--skip-writes",  # the pages' cost as the country grows; the writes are search.py's own rows
    ]
    if not args.rebuild and already_built(database, clinics, args.postgres):
        command.append("--skip-build")
    print(f"\n=== {DATABASE_NAMES[database]}, {clinics:,} clinics", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


@dataclass(frozen=True)
class Row:
    database: str
    clinics: int
    in_radius: int
    endpoint: str
    cpu_ms: float
    p50_ms: float
    p95_ms: float
    ratio: float
    load: tuple[float, float]


def rows(databases: list[str], sizes: list[int]) -> list[Row]:
    found = []
    for database in databases:
        for clinics in sizes:
            path = figures_file(database, clinics)
            if not path.exists():
                continue
            record = json.loads(path.read_text())
            load = record["load_average"].get("during") or (record["load_average"]["before"],) * 2
            for endpoint in ENDPOINTS:
                figures = record["endpoints"].get(endpoint)
                if figures:
                    found.append(
                        Row(
                            database,
                            clinics,
                            int(record["clinics_in_radius"]),
                            endpoint,
                            figures["server_cpu_ms"],
                            figures["p50_ms"],
                            figures["p95_ms"],
                            record["ratios"][endpoint],
                            (float(load[0]), float(load[1])),
                        )
                    )
    return found


def table(found: list[Row], mixes: dict[tuple[str, int], str] | None = None) -> str:
    """The figures, the clinics in the search's radius next to each cost; under the table,
    the mix of evidence each database was built with."""
    lines = [
        "| database | clinics | what | clinics in the radius | worker CPU ms/request | p50 ms | p95 ms "
        "| ratio to trivial | load average |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in found:
        lines.append(
            f"| {DATABASE_NAMES[row.database]} | {row.clinics:,} | {ENDPOINTS[row.endpoint]} | {row.in_radius:,} | "
            f"{row.cpu_ms:.1f} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | {row.ratio:.2f} | {row.load[0]:.1f}-{row.load[1]:.1f} |"
        )
    notes = [
        f"- {DATABASE_NAMES[database]}, {clinics:,} clinics: {mix}"
        for (database, clinics), mix in (mixes or {}).items()
    ]
    return "\n".join(lines) + "\n" + ("\nThe mix of evidence:\n\n" + "\n".join(notes) + "\n" if notes else "")


def mixes(databases: list[str], sizes: list[int]) -> dict[tuple[str, int], str]:
    """What each measured database was built with, from the records of its run."""
    found = {}
    for database in databases:
        for clinics in sizes:
            path = figures_file(database, clinics)
            mix = json.loads(path.read_text()).get("mix") if path.exists() else None
            if mix:
                counts = mix["counts"]
                found[(database, clinics)] = ", ".join(
                    f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items()
                )
    return found


def svg(found: list[Row], sizes: list[int], note: str = "") -> str:
    """Two panels (SQLite, PostgreSQL): worker CPU per request against clinics, both axes
    logarithmic, one line per page; the clinics in the radius are written under each size."""
    databases = [d for d in DATABASE_NAMES if any(r.database == d for r in found)]
    width, height, left, top, panel_w, panel_h, gap = 900, 430, 70, 50, 340, 270, 90
    low_x, high_x = math.log10(min(sizes)), math.log10(max(sizes))
    costs = [r.cpu_ms for r in found] or [1.0]
    low_y = 10 ** math.floor(math.log10(max(min(costs), 0.1)))
    high_y = 10 ** math.ceil(math.log10(max(costs)))

    def x_at(panel: int, clinics: float) -> float:
        share = (math.log10(clinics) - low_x) / ((high_x - low_x) or 1)
        return left + panel * (panel_w + gap) + 20 + share * (panel_w - 40)

    def y_at(ms: float) -> float:
        share = (math.log10(ms) - math.log10(low_y)) / (math.log10(high_y) - math.log10(low_y))
        return top + panel_h - share * panel_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">'
        "Worker CPU per request as the directory grows (bench/growth.py)</text>",
    ]
    for panel, database in enumerate(databases):
        x0 = left + panel * (panel_w + gap)
        parts.append(f'<rect x="{x0}" y="{top}" width="{panel_w}" height="{panel_h}" fill="none" stroke="#888"/>')
        parts.append(
            f'<text x="{x0 + panel_w / 2}" y="{top - 8}" text-anchor="middle">{DATABASE_NAMES[database]}</text>'
        )
        tick = low_y
        while tick <= high_y * 1.001:
            y = y_at(tick)
            parts.append(f'<line x1="{x0}" x2="{x0 + panel_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g} ms</text>')
            tick *= 10
        for clinics in sizes:
            x = x_at(panel, clinics)
            in_radius = next((r.in_radius for r in found if r.database == database and r.clinics == clinics), None)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + panel_h}" stroke="#eee"/>')
            parts.append(f'<text x="{x:.1f}" y="{top + panel_h + 16}" text-anchor="middle">{clinics:,}</text>')
            if in_radius is not None:
                parts.append(
                    f'<text x="{x:.1f}" y="{top + panel_h + 31}" text-anchor="middle" fill="#555">{in_radius:,} near</text>'
                )
        for endpoint, colour in COLOURS.items():
            points = sorted((r.clinics, r.cpu_ms) for r in found if r.database == database and r.endpoint == endpoint)
            if not points:
                continue
            path = " ".join(f"{x_at(panel, c):.1f},{y_at(ms):.1f}" for c, ms in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for c, ms in points:
                parts.append(f'<circle cx="{x_at(panel, c):.1f}" cy="{y_at(ms):.1f}" r="3" fill="{colour}"/>')
    legend_y = top + panel_h + 55
    parts.append(
        f'<text x="{left}" y="{legend_y}">clinics in the country (log scale); under each: physical therapy '
        "clinics within 25 miles of ZIP 60614</text>"
    )
    x = left
    for endpoint, colour in COLOURS.items():
        parts.append(f'<rect x="{x}" y="{legend_y + 14}" width="14" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="{legend_y + 20}">{ENDPOINTS[endpoint]}</text>')
        x += 20 + 7 * len(ENDPOINTS[endpoint]) + 16  # about 7 px a character at 12 px sans-serif
    if note:
        parts.append(f'<text x="{left}" y="{legend_y + 42}" fill="#555">{html.escape(note)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = [name for name in databases if name not in DATABASE_NAMES]
    if unknown:
        sys.exit(f"--databases: unknown {', '.join(unknown)}; choose from sqlite, postgres.")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.plot_only:
        for clinics in sizes:
            for database in databases:
                run(database, clinics, args)
    found = rows(databases, sizes)
    text = table(found, mixes(databases, sizes))
    print("\n" + text)
    (OUT / "growth.md").write_text(text)
    SVG.write_text(svg(found, sizes, args.note))
    print(f"wrote bench/out/growth.md and {SVG.relative_to(ROOT)}; load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
