"""The targets of issue 30 ("Fast pages"), judged from the records ``bench/search.py`` writes.

Kept apart from the measurement, with nothing but the standard library, so that the
judgement and the table are tested without building a database or serving a page
(tests/test_bench_search.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

P95_TARGET_MS = 25.0
CPU_TARGET_MS = 5.0
FIRST_TIME_RATIO_TARGET = 0.5
WRITE_P99_TARGET_MS = 10.0
REBUILD_RATIO_TARGET = 3.0
# The pages held to p95 and worker CPU, as bench/search.py names its endpoints.
PAGES = {
    "page-nearest": "results page, nearest first",
    "page-verdict": "results page, meeting the bar only",
    "clinic-page": "clinic page",
    "verdict-api": "verdict API",
}
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# The write target is PostgreSQL's; SQLite's figure is shown beside it, not judged.
WRITE_TARGET_DATABASES = {"postgres"}

MET, NOT_MET, SHOWN, NOT_MEASURED = "met", "NOT met", "shown", "not measured"


@dataclass(frozen=True)
class Judged:
    """One target on one database: the figure as printed, and met / NOT met (or why neither)."""

    target: str
    database: str
    figure: str
    verdict: str


def target_names() -> list[str]:
    """Every row of the targets, in the order of the issue."""
    return [
        *(
            f"{label}: p95 <= {P95_TARGET_MS:g} ms, worker CPU <= {CPU_TARGET_MS:g} ms/request"
            for label in PAGES.values()
        ),
        f"first-time API search: >= {FIRST_TIME_RATIO_TARGET:g}x the trivial view",
        f"a visit report's write: p99 <= {WRITE_P99_TARGET_MS:g} ms on PostgreSQL",
        f"rebuilding the derived tables: <= {REBUILD_RATIO_TARGET:g}x a plain aggregate",
    ]


def _verdict(met: bool) -> str:
    return MET if met else NOT_MET


def judge(database: str, record: Mapping[str, Any]) -> list[Judged]:
    """Every target judged on one database's record (the JSON of one bench/search.py run):
    ``endpoints`` (pooled figures per endpoint), ``ratios``, ``writes`` and ``rebuild`` (the
    last two None where bench/derived_writes.py was missing)."""
    names = iter(target_names())
    endpoints: Mapping[str, Mapping[str, float]] = record.get("endpoints", {})
    judged = []
    for endpoint in PAGES:
        name = next(names)
        figures = endpoints.get(endpoint)
        if not figures:
            judged.append(Judged(name, database, "-", NOT_MEASURED))
            continue
        met = figures["p95_ms"] <= P95_TARGET_MS and figures["server_cpu_ms"] <= CPU_TARGET_MS
        figure = f"p95 {figures['p95_ms']:.1f} ms, CPU {figures['server_cpu_ms']:.2f} ms"
        judged.append(Judged(name, database, figure, _verdict(met)))
    name = next(names)
    ratio = record.get("ratios", {}).get("first-time")
    if ratio is None:
        judged.append(Judged(name, database, "-", NOT_MEASURED))
    else:
        judged.append(Judged(name, database, f"{ratio:.2f}x", _verdict(ratio >= FIRST_TIME_RATIO_TARGET)))
    name = next(names)
    writes = record.get("writes")
    if not writes:
        judged.append(Judged(name, database, "-", NOT_MEASURED))
    else:
        figure = (
            f"p99 {writes['p99_ms']:.1f} ms (p50 {writes['p50_ms']:.1f}, baseline p99 {writes['baseline_p99_ms']:.1f})"
        )
        verdict = _verdict(writes["p99_ms"] <= WRITE_P99_TARGET_MS) if database in WRITE_TARGET_DATABASES else SHOWN
        judged.append(Judged(name, database, figure, verdict))
    name = next(names)
    rebuild = record.get("rebuild")
    if not rebuild:
        judged.append(Judged(name, database, "-", NOT_MEASURED))
    else:
        figure = f"{rebuild['ratio']:.2f}x ({rebuild['rebuild_s']:.2f} s / {rebuild['aggregate_s']:.2f} s)"
        judged.append(Judged(name, database, figure, _verdict(rebuild["ratio"] <= REBUILD_RATIO_TARGET)))
    return judged


def targets_table(records: Mapping[str, Mapping[str, Any]]) -> str:
    """One Markdown table: a row per target, a figure and a verdict per database measured."""
    databases = [database for database in DATABASE_NAMES if database in records]
    judged = {database: judge(database, records[database]) for database in databases}
    cells = ["target", *(cell for d in databases for cell in (DATABASE_NAMES[d], "verdict"))]
    lines = ["| " + " | ".join(cells) + " |\n", "| " + " | ".join("---" for _ in cells) + " |\n"]
    for index, name in enumerate(target_names()):
        row = " | ".join(f"{judged[d][index].figure} | {judged[d][index].verdict}" for d in databases)
        lines.append(f"| {name} | {row} |\n")
    # The same run's trivial view, to scale the figures by on a busy machine: not a target.
    row = " | ".join(f"{trivial_figure(records[d])} | baseline" for d in databases)
    lines.append(f"| trivial view, measured in the same rounds | {row} |\n")
    return "".join(lines)


def trivial_figure(record: Mapping[str, Any]) -> str:
    trivial = record.get("endpoints", {}).get("trivial")
    if not trivial:
        return "-"
    return f"p95 {trivial['p95_ms']:.1f} ms, CPU {trivial['server_cpu_ms']:.2f} ms, {trivial['per_second']:.0f} req/s"


def all_met(records: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether every judged row is met (rows shown only are not judged)."""
    return all(row.verdict in (MET, SHOWN) for database, record in records.items() for row in judge(database, record))
