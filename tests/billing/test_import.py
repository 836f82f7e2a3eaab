"""The Medicare importer: both header styles, bad rows, a wrong file, re-runs."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caretime.billing.generate import write_medicare_file
from caretime.billing.medicare_file import HeaderStyle, WrongFile
from caretime.billing.models import ClinicBillingYear, ClinicianBillingYear, MedicareServiceLine
from caretime.billing.services import SKIP_BAD, SKIP_OTHER_PROVIDER, import_medicare_file
from tests.billing.medicare_files import BAD_ROWS, GOOD_THERAPIST_ROWS, OT_NPI, PT_NPI, write_file
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_medicare", *args, stdout=out)
    return out.getvalue()


def stored() -> list[tuple[object, ...]]:
    return list(
        MedicareServiceLine.objects.order_by("npi", "hcpcs_code", "place_of_service").values_list(
            "year", "npi", "provider_type", "state", "zip5", "street", "hcpcs_code", "place_of_service",
            "total_beneficiaries", "total_services", "total_beneficiary_day_services",
        )
    )  # fmt: skip


def test_current_file_keeps_therapist_rows_and_reports_the_rest(current_file: Path) -> None:
    output = run(str(current_file))
    assert "9 rows read (current column names)" in output
    assert "Medicare 2022: rows 9 of 9" in output  # plain progress lines when not in a terminal
    assert f"{GOOD_THERAPIST_ROWS} were new" in output
    assert f"skipped 1: {SKIP_OTHER_PROVIDER}" in output
    for row_number, reason in BAD_ROWS.items():
        assert f"row {row_number}: " in output
        assert reason in output.split(f"row {row_number}: ")[1].splitlines()[0]
    lines = stored()
    assert len(lines) == GOOD_THERAPIST_ROWS
    assert {line[0] for line in lines} == {2022}  # from the CMS file name
    assert (
        2022,
        PT_NPI,
        "Physical Therapist in Private Practice",
        "IL",
        "60614",
        "1 Test St",
        "97110",
        "F",
        11,
        30.0,
        20.0,
    ) in lines
    assert all(line[1] != "1003000134" for line in lines)  # internal medicine is not kept


def test_legacy_headers_give_the_same_rows(current_file: Path, legacy_file: Path) -> None:
    run(str(current_file), "--year", "2016")
    from_current = stored()
    MedicareServiceLine.objects.all().delete()
    output = run(str(legacy_file))
    assert "(legacy column names)" in output
    assert stored() == from_current  # same year (2016 from the name), provider types renamed, ZIP+4 cut


def test_summary_counts_add_up(current_file: Path) -> None:
    summary = import_medicare_file(path=current_file, year=2022)
    assert summary.read == 9
    assert summary.imported + summary.updated + summary.skipped_total == summary.read
    assert summary.skipped[SKIP_BAD] == len(BAD_ROWS)
    assert [bad.row_number for bad in summary.bad_rows] == sorted(BAD_ROWS)


def test_missing_columns_abort_before_anything_is_written(tmp_path: Path) -> None:
    broken = write_file(tmp_path / "x_D22_.csv", drop="Tot_Bene_Day_Srvcs")
    with pytest.raises(CommandError, match=r"Missing .*Tot_Bene_Day_Srvcs"):
        run(str(broken))
    assert MedicareServiceLine.objects.count() == 0


def test_a_file_of_another_kind_lists_every_missing_column(tmp_path: Path) -> None:
    other = tmp_path / "npidata_2022.csv"
    other.write_text("NPI,Entity Type Code\n1234567893,1\n")
    with pytest.raises(WrongFile) as problem:
        import_medicare_file(path=other, year=2022)
    for name in ("Rndrng_Prvdr_Type", "HCPCS_Cd", "Tot_Benes", "Tot_Srvcs", "Tot_Bene_Day_Srvcs"):
        assert name in str(problem.value)


def test_reimport_changes_nothing_and_says_so(current_file: Path) -> None:
    run(str(current_file))
    before = stored()
    indicators_before = list(ClinicianBillingYear.objects.values_list("npi", "timed_units_per_visit", "group_share"))
    output = run(str(current_file))
    assert f"0 were new, {GOOD_THERAPIST_ROWS} were already there and updated" in output
    assert stored() == before
    after = list(ClinicianBillingYear.objects.values_list("npi", "timed_units_per_visit", "group_share"))
    assert after == indicators_before


def test_dry_run_writes_nothing(current_file: Path) -> None:
    output = run(str(current_file), "--dry-run")
    assert "Dry run: 9 rows read" in output
    assert f"{GOOD_THERAPIST_ROWS} would be new" in output
    assert MedicareServiceLine.objects.count() == 0
    assert ClinicianBillingYear.objects.count() == 0


def test_the_year_must_be_known(tmp_path: Path) -> None:
    unnamed = write_file(tmp_path / "claims.csv")
    with pytest.raises(CommandError, match="--year"):
        run(str(unnamed))


def test_import_computes_indicators_and_links_clinics_by_address(current_file: Path) -> None:
    clinic = make_clinic("Test Street PT", latitude=41.92, longitude=-87.65, zip_code="60614")  # "1 Test St"
    output = run(str(current_file))
    assert "by address 1" in output
    person = ClinicianBillingYear.objects.get(npi=PT_NPI)
    assert person.timed_units_per_visit == pytest.approx(430 / 170)
    assert person.group_share == pytest.approx(50 / 498)
    figures = ClinicBillingYear.objects.get(clinic=clinic)
    assert (figures.discipline, figures.clinicians, figures.visits, figures.linked_by) == ("pt", 1, 170, "address")
    assert ClinicianBillingYear.objects.get(npi=OT_NPI).visits == 250


def test_generated_file_with_malformed_rows_is_imported_whole(tmp_path: Path) -> None:
    path = tmp_path / "generated_D21_.csv"
    generated = write_medicare_file(path, rows=3_000, seed=4, malformed_share=0.05)
    summary = import_medicare_file(path=path, year=2021, batch_rows=700)  # several batches
    assert summary.read == generated.rows
    assert 0 < summary.skipped[SKIP_BAD] <= generated.malformed_rows
    assert summary.imported + summary.updated + summary.skipped_total == summary.read
    assert MedicareServiceLine.objects.count() == summary.imported


def test_generated_legacy_file_imports_the_same_therapist_rows(tmp_path: Path) -> None:
    now = write_medicare_file(tmp_path / "now.csv", rows=1_500, seed=9, malformed_share=0)
    before = write_medicare_file(
        tmp_path / "before.csv", rows=1_500, seed=9, malformed_share=0, style=HeaderStyle.LEGACY
    )
    assert now == before
    import_medicare_file(path=tmp_path / "now.csv", year=2020)
    from_now = stored()
    MedicareServiceLine.objects.all().delete()
    import_medicare_file(path=tmp_path / "before.csv", year=2020)
    assert stored() == from_now
    assert len(from_now) == now.therapist_rows


def test_without_the_import_extra_the_command_says_what_to_install(
    current_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)  # as if caretime[import] were not installed
    with pytest.raises(CommandError, match=r"install caretime\[import\]"):
        run(str(current_file))
    assert MedicareServiceLine.objects.count() == 0
