"""Generated files: the exact formats, the same bytes for a seed, realistic proportions."""

from __future__ import annotations

import csv
from pathlib import Path

from caretime.core.npi import is_valid_npi
from caretime.datasets.formats import DOCTORS_CLINICIANS_HEADERS, NPPES_LOCATION_HEADER, nppes_header_2015
from caretime.datasets.generators import write_doctors_clinicians_file, write_nppes_files

ROOT = Path(__file__).resolve().parents[2]


def _nppes(tmp_path: Path, name: str, seed: int, rows: int = 2_000) -> tuple[Path, Path]:
    main, side = tmp_path / f"{name}.csv", tmp_path / f"{name}_pl.csv"
    write_nppes_files(main_path=main, locations_path=side, rows=rows, seed=seed, bad_share=0.1)
    return main, side


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first, first_side = _nppes(tmp_path, "a", seed=5, rows=300)
    again, again_side = _nppes(tmp_path, "b", seed=5, rows=300)
    other, _ = _nppes(tmp_path, "c", seed=6, rows=300)
    assert first.read_bytes() == again.read_bytes()
    assert first_side.read_bytes() == again_side.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_nppes_main_file_has_the_real_header_every_field_quoted_and_realistic_rows(tmp_path: Path) -> None:
    main, side = _nppes(tmp_path, "main", seed=2)
    with main.open(newline="", encoding="utf-8") as handle:
        header = handle.readline()
        assert header.startswith('"NPI","Entity Type Code"')
        first_row = handle.readline()
    assert first_row.startswith('"')
    assert first_row.rstrip("\r\n").endswith('"')
    assert '""' in first_row, "most fields are empty and still quoted"

    rows = list(csv.DictReader(main.open(newline="", encoding="utf-8")))
    columns = next(csv.reader(main.open(newline="", encoding="utf-8")))
    assert columns == [*nppes_header_2015(), "Certification Date"]
    assert len(columns) == 330

    active = [row for row in rows if row["Entity Type Code"] in ("1", "2")]
    organizations = sum(row["Entity Type Code"] == "2" for row in active)
    assert 0.2 < organizations / len(active) < 0.3
    slots = [sum(bool(row[f"Healthcare Provider Taxonomy Code_{n}"]) for n in range(1, 16)) for row in active]
    assert set(slots) <= {1, 2, 3}
    deactivated = [row for row in rows if not row["Entity Type Code"] and row["NPI Deactivation Date"]]
    assert deactivated, "deactivated NPIs carry only their number and date"
    npis = [row["NPI"] for row in rows]
    assert len(set(npis)) == len(npis)
    invalid = [npi for npi in npis if not is_valid_npi(npi)]
    assert 0 < len(invalid) < 0.01 * len(npis), "a small malformed share, the rest valid"

    side_rows = list(csv.reader(side.open(newline="", encoding="utf-8")))
    assert side_rows[0] == NPPES_LOCATION_HEADER
    organization_npis = {row["NPI"] for row in active if row["Entity Type Code"] == "2"}
    assert side_rows[1:]
    assert {row[0] for row in side_rows[1:]} <= organization_npis


def test_doctors_clinicians_files_use_each_header_style(tmp_path: Path) -> None:
    for style, header in DOCTORS_CLINICIANS_HEADERS.items():
        path = tmp_path / f"{style}.csv"
        write_doctors_clinicians_file(path=path, rows=200, seed=1, style=style, nppes_rows=400)
        rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
        assert rows[0] == header
        assert len(rows) == 201
        assert all(len(row) == len(header) for row in rows)


def test_every_import_command_is_documented() -> None:
    commands = sorted(p.stem for p in (ROOT / "caretime/datasets/management/commands").glob("[!_]*.py"))
    documented = (ROOT / "docs/data-import.md").read_text(encoding="utf-8")
    assert commands == [
        "generate_doctors_clinicians",
        "generate_nppes",
        "import_doctors_clinicians",
        "import_nppes",
    ]
    # The sync imports Medicare claims too, so its command lives in the verdicts app.
    assert (ROOT / "caretime/verdicts/management/commands/sync_public_data.py").is_file()
    for command in [*commands, "sync_public_data"]:
        assert f"manage.py {command}" in documented
