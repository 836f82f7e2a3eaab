"""Corrected files (--replace-year), repeated keys added up like the SQL engine adds them,
tab-delimited legacy files, other delimiters refused, and generated files for clinics in
the territories."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caretime.billing import services
from caretime.billing.engine import file_indicators
from caretime.billing.medicare_file import WrongFile, detect_layout, read_batches, read_header
from caretime.billing.models import ClinicianBillingYear, MedicareServiceLine
from caretime.billing.services import SKIP_DUPLICATE, import_medicare_file
from caretime.core.npi import make_npi
from caretime.directory.models import Clinician
from caretime.verdicts.actions import compute_billing_indicators
from tests.billing.medicare_files import OT_NPI, PT_NPI, ROWS, write_file
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

PT = ("Physical Therapist in Private Practice", "Physical Therapist")
OT = ("Occupational Therapist in Private Practice", "Occupational therapist")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_medicare", *args, "--skip-indicators", stdout=out)
    return out.getvalue()


def stored(*, with_token: bool = False) -> list[tuple[object, ...]]:
    fields = ["year", "npi", "provider_type", "state", "zip5", "street", "hcpcs_code", "place_of_service",
              "total_beneficiaries", "total_services", "total_beneficiary_day_services"]  # fmt: skip
    return list(
        MedicareServiceLine.objects.order_by("year", "npi", "hcpcs_code", "place_of_service").values_list(
            *fields, *(["loaded_by"] if with_token else [])
        )
    )


def keys() -> set[tuple[str, str, str]]:
    return set(MedicareServiceLine.objects.values_list("npi", "hcpcs_code", "place_of_service"))


def corrected_rows() -> list[tuple[str, ...]]:
    """The fixture as CMS might re-issue it: the PT group-therapy row withdrawn, a count
    corrected, and one row added."""
    rows = [row for row in ROWS if not (row[0] == PT_NPI and row[3] == "97150")]
    rows = [(*row[:6], "320", *row[7:]) if row[0] == PT_NPI and row[3:5] == ("97110", "O") else row for row in rows]
    return [*rows, (PT_NPI, *PT, "97530", "O", "14", "60", "40", "1 Test St", "60614")]


def test_replace_year_removes_what_the_corrected_file_no_longer_has(tmp_path: Path) -> None:
    original = write_file(tmp_path / "first_D22_.csv")
    corrected = write_file(tmp_path / "corrected_D22_.csv", rows=corrected_rows())
    run(str(original))
    assert (PT_NPI, "97150", "O") in keys()
    dry = run(str(corrected), "--replace-year", "--dry-run")
    assert "Replacing year 2022 would remove 1 rows the file no longer has." in dry
    assert (PT_NPI, "97150", "O") in keys()  # a dry run writes nothing
    output = run(str(corrected), "--replace-year")
    assert "1 were new, 5 were already there and updated" in output
    assert "Year 2022 replaced in one transaction: removed 1 rows the file no longer has." in output
    assert (PT_NPI, "97150", "O") not in keys()
    assert (PT_NPI, "97530", "O") in keys()
    assert MedicareServiceLine.objects.get(npi=PT_NPI, hcpcs_code="97110", place_of_service="O").total_services == 320
    assert len({row[-1] for row in stored(with_token=True)}) == 1  # every row is the replacement's
    # The year now equals the file: importing the corrected file afresh stores the same rows.
    after_replacement = stored()
    MedicareServiceLine.objects.all().delete()
    run(str(corrected))
    assert stored() == after_replacement


def test_without_replace_year_vanished_rows_stay(tmp_path: Path) -> None:
    run(str(write_file(tmp_path / "first_D22_.csv")))
    output = run(str(write_file(tmp_path / "corrected_D22_.csv", rows=corrected_rows())))
    assert "removed" not in output
    assert (PT_NPI, "97150", "O") in keys()  # the withdrawn row is still there
    assert MedicareServiceLine.objects.get(npi=PT_NPI, hcpcs_code="97110", place_of_service="O").total_services == 320


def test_replace_year_leaves_other_years_and_demo_rows_alone(tmp_path: Path) -> None:
    pt_rows = [row for row in ROWS if row[0] == PT_NPI]
    run(str(write_file(tmp_path / "first_D21_.csv")))
    run(str(write_file(tmp_path / "demo_D22_.csv", rows=[row for row in ROWS if row[0] == OT_NPI])), "--demo")
    run(str(write_file(tmp_path / "first_D22_.csv", rows=pt_rows)))
    year_2021 = MedicareServiceLine.objects.filter(year=2021).count()
    corrected = write_file(tmp_path / "corrected_D22_.csv", rows=[row for row in pt_rows if row[3] != "97150"])
    output = run(str(corrected), "--replace-year")
    assert "removed 1 rows the file no longer has" in output  # the demo OT row is not a real file's to remove
    assert MedicareServiceLine.objects.filter(year=2021).count() == year_2021
    assert list(MedicareServiceLine.objects.filter(year=2022, is_demo=True).values_list("npi", flat=True)) == [OT_NPI]
    assert MedicareServiceLine.objects.filter(year=2022, is_demo=False).count() == 4


@pytest.mark.parametrize("failure", ["writer_raises", "file_breaks_off"])
def test_a_replacement_that_fails_half_way_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    import_medicare_file(path=write_file(tmp_path / "first_D22_.csv"), year=2022)
    before = stored(with_token=True)
    corrected = write_file(tmp_path / "corrected_D22_.csv", rows=corrected_rows())
    if failure == "writer_raises":
        real_write = services._write_lines
        calls: list[int] = []

        def write_then_fail(run: object, rows: list[object]) -> tuple[int, int, int]:
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("the database went away")
            return real_write(run, rows)  # type: ignore[arg-type]

        monkeypatch.setattr(services, "_write_lines", write_then_fail)
        with pytest.raises(RuntimeError):
            import_medicare_file(path=corrected, year=2022, replace_year=True, batch_rows=2)
        assert calls == [1, 1]  # the first batch (the corrected 97110 row) had been written
    else:
        lines = corrected.read_text().splitlines(keepends=True)
        corrected.write_text("".join(lines[:6]) + f'{PT_NPI},"a quote that never ends\n' + "".join(lines[6:]))
        with pytest.raises(WrongFile, match="stops being readable CSV after row") as refused:
            import_medicare_file(path=corrected, year=2022, replace_year=True, batch_rows=2)
        # The reader works ahead in parallel, so how far it got before the break varies from run
        # to run; what must hold is that the row it names as the last good one comes before the
        # broken row 7 (header is row 1, then five good rows).
        last_good = re.search(r"after row (\d+)", str(refused.value))
        assert last_good is not None
        assert 1 <= int(last_good.group(1)) < 7
    assert stored(with_token=True) == before  # values, rows and tokens exactly as they were


def test_repeated_keys_are_added_up_by_the_importer_as_by_the_sql_engine(tmp_path: Path) -> None:
    rows = [
        (PT_NPI, *PT, "97110", "O", "20", "300", "150", "1 Test St", "60614"),
        (PT_NPI, *PT, "97110", "O", "12", "60", "30", "1 Test St", "60614"),  # repeat in the same batch
        (PT_NPI, *PT, "97140", "O", "15", "100", "80", "1 Test St", "60614"),
        (PT_NPI, *PT, "97110", "O", "11", "40", "20", "1 Test St", "60614"),  # repeat in a later batch
        (OT_NPI, *OT, "97530", "O", "30", "500", "250", "2 Lake Ave", "60601"),
        (OT_NPI, *OT, "97530", "O", "11", "50", "25", "2 Lake Ave", "60601"),  # same batch
        (PT_NPI, *PT, "97140", "O", "11", "20", "12", "1 Test St", "60614"),  # later batch
        (OT_NPI, *OT, "97535", "F", "12", "30", "20", "2 Lake Ave", "60601"),
        (PT_NPI, *PT, "97150", "O", "12", "50", "50", "1 Test St", "60614"),
        (OT_NPI, *OT, "97530", "O", "11", "30", "15", "2 Lake Ave", "60601"),  # later batch again
    ]
    path = write_file(tmp_path / "repeats_D22_.csv", rows=rows)
    batches = list(read_batches(path, detect_layout(read_header(path)), batch_rows=2))
    assert [b.last_row_number for b in batches] == [3, 5, 7, 9, 11]  # the repeats straddle batches
    dry = import_medicare_file(path=path, year=2022, batch_rows=2, dry_run=True)
    summary = import_medicare_file(path=path, year=2022, batch_rows=2)
    assert summary.skipped[SKIP_DUPLICATE] == dry.skipped[SKIP_DUPLICATE] == 5
    assert (summary.imported, summary.updated) == (dry.imported, dry.updated) == (5, 0)
    assert summary.imported + summary.updated + summary.skipped_total == summary.read == 10
    line = MedicareServiceLine.objects.get(npi=PT_NPI, hcpcs_code="97110", place_of_service="O")
    assert (line.total_beneficiaries, line.total_services, line.total_beneficiary_day_services) == (43, 400, 200)
    again = import_medicare_file(path=path, year=2022, batch_rows=2)  # a re-run replaces the sums, never adds to them
    assert (again.imported, again.updated) == (0, 5)
    assert MedicareServiceLine.objects.get(pk=line.pk).total_services == 400

    compute_billing_indicators(year=2022)
    from_database = {
        npi: (visits, services_, timed)
        for npi, visits, services_, timed in ClinicianBillingYear.objects.filter(year=2022).values_list(
            "npi", "visits", "services", "timed_units"
        )
    }
    from_engine = {
        row["npi"]: (row["visits"], row["services"], row["timed_units"]) for row in file_indicators(path).as_dicts()
    }
    assert from_database == from_engine
    # PT: 97110 150+30+20 days, 97140 80+12, 97150 50; OT: 97530 250+25+15, 97535 20.
    assert from_database == {PT_NPI: (200, 570, 520), OT_NPI: (290, 610, 610)}


def _as_tab_separated(comma_file: Path, out: Path) -> Path:
    with comma_file.open(newline="") as source, out.open("w", newline="") as target:
        writer = csv.writer(target, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerows(csv.reader(source))
    return out


def test_a_tab_delimited_legacy_file_imports_like_its_comma_version(tmp_path: Path) -> None:
    rows: Sequence[tuple[str, ...]] = [
        (*row[:8], "1 Test St, Suite 2", row[9]) if row[0] == PT_NPI else row for row in ROWS
    ]  # a comma inside a field of the tab-separated file
    comma = write_file(tmp_path / "Medicare_Provider_Util_Payment_PUF_CY2016.csv", legacy=True, rows=rows)
    tab = _as_tab_separated(comma, tmp_path / "Medicare_Provider_Util_Payment_PUF_CY2016.txt")
    assert "\t" in tab.read_text()
    assert read_header(tab) == read_header(comma)
    output = run(str(comma))
    from_comma = stored()
    assert any(row[5] == "1 Test St, Suite 2" for row in from_comma)
    MedicareServiceLine.objects.all().delete()
    output_tab = run(str(tab))
    assert "(legacy column names)" in output_tab
    assert output_tab.splitlines()[-3:] == output.splitlines()[-3:]  # the same bad rows, same summary
    assert stored() == from_comma
    by_npi = {row["npi"]: row for row in file_indicators(comma).as_dicts()}
    assert {row["npi"]: row for row in file_indicators(tab).as_dicts()} == by_npi
    assert by_npi[PT_NPI]["visits"] == 170


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("|", "pipe")])
def test_a_file_with_another_delimiter_is_refused_by_name(tmp_path: Path, delimiter: str, name: str) -> None:
    comma = write_file(tmp_path / "comma.csv")
    other = tmp_path / "other_D22_.csv"
    with comma.open(newline="") as source, other.open("w", newline="") as target:
        csv.writer(target, delimiter=delimiter).writerows(csv.reader(source))
    with pytest.raises(CommandError) as refused:
        run(str(other))
    message = str(refused.value)
    assert f'separated by "{delimiter}" ({name})' in message
    assert "only comma- or tab-separated files are read" in message
    assert "lacks" not in message
    assert "Missing" not in message
    assert MedicareServiceLine.objects.count() == 0
    with pytest.raises(WrongFile, match="only comma- or tab-separated"):
        file_indicators(other)


def test_generating_a_file_matched_to_clinics_in_the_territories(tmp_path: Path) -> None:
    places = [("PR", "00901", "SAN JUAN", "72"), ("VI", "00802", "ST THOMAS", "78"), ("GU", "96910", "HAGATNA", "66")]
    for number, (state, zip_code, city, _) in enumerate(places):
        clinic = make_clinic(
            f"{city} Therapy", latitude=18.0, longitude=-66.0, zip_code=zip_code, city=city, state=state
        )
        person = Clinician.objects.create(
            npi=make_npi(199_000_001 + number), first_name="Ana", last_name="Rivera", credential="PT", discipline="pt"
        )
        person.clinics.add(clinic)
    path = tmp_path / "territories_D22_.csv"
    out = io.StringIO()
    call_command("generate_medicare_file", str(path), "--rows", "300", "--match-directory", "3", stdout=out)
    assert "3 from the directory" in out.getvalue()
    with path.open(newline="") as handle:
        written = {(row["Rndrng_Prvdr_State_Abrvtn"], row["Rndrng_Prvdr_State_FIPS"]) for row in csv.DictReader(handle)}
    assert {(state, fips) for state, _, _, fips in places} <= written
    run(str(path), "--demo")
    assert set(MedicareServiceLine.objects.values_list("state", flat=True)) >= {"PR", "VI", "GU"}


def test_replace_year_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    assert "--replace-year" in (root / "docs" / "data-import.md").read_text()
    assert "[--replace-year]" in (root / "README.md").read_text()
