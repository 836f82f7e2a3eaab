"""The indicators computed three ways over the same fixture must agree: the Python reference
(caretime.core.billing) over the parsed rows, the importer + database path, and plain SQL
in DuckDB straight over the file (caretime.billing.engine)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from caretime.billing.engine import file_indicators, file_plain_group_by
from caretime.billing.generate import write_medicare_file
from caretime.billing.models import ClinicianBillingYear
from caretime.billing.services import import_medicare_file
from caretime.core import billing as core
from caretime.verdicts.actions import compute_billing_indicators
from tests.billing.medicare_files import PT_NPI

FIELDS = ("visits", "visits_high", "beneficiaries", "services", "timed_units", "group_services",
          "timed_units_per_visit", "timed_units_per_visit_low", "group_share", "visits_per_beneficiary",
          "possibly_suppressed")  # fmt: skip
PERCENTILES = ("timed_units_per_visit", "group_share", "visits_per_beneficiary", "visits")


def python_reference(path: Path) -> dict[str, dict[str, Any]]:
    """The reference definitions over the file read with the standard csv module."""
    lines: dict[str, list[core.ServiceLine]] = defaultdict(list)
    who: dict[str, tuple[str, str]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            provider_type = core.therapist_provider_type(row["Rndrng_Prvdr_Type"])
            if provider_type is None:
                continue
            npi = row["Rndrng_NPI"]
            who[npi] = (provider_type, row["Rndrng_Prvdr_State_Abrvtn"])
            lines[npi].append(
                core.ServiceLine(
                    row["HCPCS_Cd"],
                    int(row["Tot_Benes"]),
                    float(row["Tot_Srvcs"]),
                    float(row["Tot_Bene_Day_Srvcs"]),
                    row["Place_Of_Srvc"],
                )
            )
    people = [core.clinician_indicators(npi, *who[npi], found) for npi, found in sorted(lines.items())]
    ranks = core.clinician_peer_percentiles(people)
    result = {}
    for person, rank in zip(people, ranks, strict=True):
        result[person.npi] = {name: getattr(person, name) for name in FIELDS} | {
            f"{name}_percentile": rank.get(name) for name in PERCENTILES
        }
    return result


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("medicare") / "generated.csv"
    write_medicare_file(path, rows=12_000, seed=11, malformed_share=0.0)
    return path


def assert_same(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> None:
    assert found.keys() == expected.keys()
    for npi, figures in expected.items():
        for name, value in figures.items():
            if value is None:
                assert found[npi][name] is None, (npi, name)
            elif isinstance(value, bool):
                assert found[npi][name] is value, (npi, name)
            else:
                assert found[npi][name] == pytest.approx(value, rel=1e-9, abs=1e-9), (npi, name)


def test_sql_over_the_file_equals_the_python_reference(generated: Path) -> None:
    expected = python_reference(generated)
    assert len(expected) > 80  # enough therapists for peers in several states
    found = {row["npi"]: row for row in file_indicators(generated).as_dicts()}
    assert_same(expected, found)


def test_sql_over_the_hand_fixture_gives_the_hand_computed_figures(current_file: Path) -> None:
    found = {row["npi"]: row for row in file_indicators(current_file).as_dicts()}
    # 97110 O 150 + F 20 = 170 days (patients max(20, 11) = 20); 97140 80; 97150 50; 97162 18
    assert found[PT_NPI]["visits"] == 170  # the largest code's days
    assert found[PT_NPI]["visits_high"] == 170 + 80 + 50 + 18  # 318
    assert found[PT_NPI]["beneficiaries"] == 20  # max(20, 15, 12, 18)
    assert found[PT_NPI]["timed_units_per_visit"] == pytest.approx(430 / 170)
    assert found[PT_NPI]["timed_units_per_visit_low"] == pytest.approx(430 / 318)
    assert found[PT_NPI]["group_share"] == pytest.approx(50 / 498)
    assert found[PT_NPI]["visits_per_beneficiary"] == pytest.approx(170 / 20)
    assert found[PT_NPI]["possibly_suppressed"] is True  # rows of 11 and 12 patients
    assert "1234567890" not in found  # the bad-NPI row is left out, as the importer leaves it out


def test_plain_group_by_counts_every_provider(generated: Path) -> None:
    result = file_plain_group_by(generated)
    with generated.open(newline="") as handle:
        npis = {row["Rndrng_NPI"] for row in csv.DictReader(handle)}
    assert len(result.rows) == len(npis)


@pytest.mark.django_db
def test_database_path_equals_the_python_reference(generated: Path) -> None:
    import_medicare_file(path=generated, year=2022)
    compute_billing_indicators(year=2022)
    expected = python_reference(generated)
    found = {
        row["npi"]: row
        for row in ClinicianBillingYear.objects.filter(year=2022).values(
            "npi", *FIELDS, *(f"{name}_percentile" for name in PERCENTILES)
        )
    }
    assert_same(expected, found)


@pytest.mark.django_db
def test_sql_and_database_agree_when_a_row_repeats_its_npi_code_and_place(tmp_path: Path) -> None:
    """A file that repeats a therapist's NPI, code and place of service (two 97530 office rows of
    20 and 11 patients). The importer adds the two rows into one; the SQL engine groups them with
    the other rows of the code. Whatever the two rows mean, both paths must give the same figures:
    beneficiaries (sum 31, or max 20), visits per beneficiary (115 / 31 or 115 / 20) and whether
    the row of 11 patients flags the clinician as possibly suppressed."""
    path = tmp_path / "repeated_row.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Rndrng_NPI", "Rndrng_Prvdr_Type", "HCPCS_Cd", "Place_Of_Srvc", "Tot_Benes", "Tot_Srvcs",
                         "Tot_Bene_Day_Srvcs", "Rndrng_Prvdr_State_Abrvtn"])  # fmt: skip
        for code, benes, services, days in (("97530", 20, 300, 100), ("97530", 11, 30, 15), ("97162", 20, 20, 20)):
            writer.writerow([PT_NPI, "Physical Therapist in Private Practice", code, "O", benes, services, days, "IL"])
    import_medicare_file(path=path, year=2022)
    compute_billing_indicators(year=2022)
    fields = ("visits", "visits_high", "beneficiaries", "services", "visits_per_beneficiary", "possibly_suppressed")
    stored = ClinicianBillingYear.objects.filter(year=2022, npi=PT_NPI).values(*fields).get()
    [engine] = file_indicators(path).as_dicts()
    assert_same({PT_NPI: stored}, {PT_NPI: {name: engine[name] for name in fields}})
