"""The search benchmark's pure parts: its options, the judgement of the targets of issue 30 and
the tables it prints. The measurement itself (a build, gunicorn, load) is bench/search.py's run,
never a test's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import growth
import search
import targets


def page(p95_ms: float, cpu_ms: float) -> dict[str, float]:
    return {"requests": 60, "per_second": 100.0, "p50_ms": p95_ms / 2, "p95_ms": p95_ms, "server_cpu_ms": cpu_ms}


def record(**changes: Any) -> dict[str, Any]:
    """A run's record in which every target is met."""
    found: dict[str, Any] = {
        "endpoints": {"trivial": page(3.0, 0.5)} | {name: page(20.0, 4.0) for name in targets.PAGES},
        "ratios": {"trivial": 1.0, "first-time": 0.6},
        "writes": {"p50_ms": 2.0, "p95_ms": 4.0, "p99_ms": 8.0, "baseline_p99_ms": 1.0, "writes": 300},
        "rebuild": {"rebuild_s": 2.0, "aggregate_s": 1.0, "ratio": 2.0},
    }
    found.update(changes)
    return found


def verdicts(database: str, found: dict[str, Any]) -> list[str]:
    return [row.verdict for row in targets.judge(database, found)]


def test_both_databases_are_measured_in_one_run() -> None:
    assert search.parse_args(["--database", "both"]).databases == ["sqlite", "postgres"]
    assert search.parse_args(["--database", "postgres"]).databases == ["postgres"]


def test_a_run_can_reuse_the_last_build() -> None:
    args = search.parse_args(["--database", "both", "--skip-build", "--rounds", "2"])

    assert args.skip_build
    assert args.rounds == 2


def test_the_build_runs_on_one_database_at_a_time() -> None:
    with pytest.raises(SystemExit):
        search.parse_args(["--database", "both", "--build-data-only"])


def test_every_target_met_is_said_so() -> None:
    assert verdicts("postgres", record()) == ["met"] * 7
    assert targets.all_met({"postgres": record()})


def test_a_page_misses_its_target_on_latency_or_on_cpu_alone() -> None:
    slow = record(endpoints={**record()["endpoints"], "clinic-page": page(26.0, 4.0)})
    costly = record(endpoints={**record()["endpoints"], "verdict-api": page(10.0, 5.5)})

    assert verdicts("sqlite", slow)[2] == "NOT met"
    assert verdicts("sqlite", costly)[3] == "NOT met"
    assert not targets.all_met({"sqlite": costly})


def test_the_first_time_search_is_judged_by_its_ratio_to_the_trivial_view() -> None:
    assert verdicts("sqlite", record(ratios={"first-time": 0.49}))[4] == "NOT met"


def test_the_write_target_is_postgresqls_and_sqlites_figure_is_only_shown() -> None:
    slow = record(writes={"p50_ms": 5.0, "p95_ms": 9.0, "p99_ms": 12.0, "baseline_p99_ms": 1.0, "writes": 300})

    assert verdicts("postgres", slow)[5] == "NOT met"
    assert verdicts("sqlite", slow)[5] == "shown"
    assert targets.all_met({"sqlite": slow})


def test_the_rebuild_is_judged_against_the_plain_aggregate() -> None:
    assert verdicts("postgres", record(rebuild={"rebuild_s": 4.0, "aggregate_s": 1.0, "ratio": 4.0}))[6] == "NOT met"


def test_what_was_not_measured_is_said_so_and_not_counted_as_met() -> None:
    found = record(writes=None, rebuild=None, endpoints={})

    assert verdicts("postgres", found) == ["not measured"] * 4 + ["met"] + ["not measured"] * 2
    assert not targets.all_met({"postgres": found})


def test_the_table_has_every_target_with_a_figure_and_verdict_per_database() -> None:
    text = targets.targets_table({"postgres": record(), "sqlite": record(ratios={"first-time": 0.2})})
    lines = text.splitlines()

    assert lines[0] == "| target | SQLite | verdict | PostgreSQL | verdict |"
    assert len(lines) == 2 + 7 + 1
    assert lines[2].startswith("| results page, nearest first: p95 <= 25 ms, worker CPU <= 5 ms/request |")
    assert "| 0.20x | NOT met | 0.60x | met |" in lines[6]
    assert lines[-1].startswith("| trivial view, measured in the same rounds |")


def test_every_round_is_printed_with_its_load() -> None:
    figures = {
        "trivial": search.Figures(400, 500.0, 2.0, 3.0, 0.5),
        "page-nearest": search.Figures(60, 50.0, 20, 30, 6),
    }

    line = search.round_line(2, figures, 1.25)

    assert line.startswith("round 2 (load 1.25): ")
    assert "page-nearest 50/s 0.10x p95 30.0 CPU 6.00" in line


def test_the_build_record_sits_beside_the_database_it_describes() -> None:
    assert search.build_record_path("sqlite:////srv/bench/growth-10k.sqlite3") == Path(
        "/srv/bench/growth-10k.sqlite3.build.json"
    )
    assert search.build_record_path("postgres://postgres@127.0.0.1:5432/bench10k").name == "build-bench10k.json"


def test_the_growth_table_puts_the_clinics_in_the_radius_next_to_each_cost() -> None:
    row = growth.Row("sqlite", 100_000, 2_093, "clinic-page", 4.2, 10.0, 20.0, 0.3, (0.5, 1.0))

    text = growth.table([row], {("sqlite", 100_000): "100,000 clinics, 1,000,000 call reports"})

    assert "| SQLite | 100,000 | clinic page | 2,093 | 4.2 |" in text
    assert "- SQLite, 100,000 clinics: 100,000 clinics, 1,000,000 call reports" in text
