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
from caretime.billing.services import compute_billing_indicators, import_medicare_file
from caretime.core import billing as core
from tests.billing.conftest import PT_NPI

FIELDS = ("visits", "beneficiaries", "services", "timed_units", "group_services", "timed_units_per_visit",
          "group_share", "visits_per_beneficiary")  # fmt: skip
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
            else:
                assert found[npi][name] == pytest.approx(value, rel=1e-9, abs=1e-9), (npi, name)


def test_sql_over_the_file_equals_the_python_reference(generated: Path) -> None:
    expected = python_reference(generated)
    assert len(expected) > 80  # enough therapists for peers in several states
    found = {row["npi"]: row for row in file_indicators(generated).as_dicts()}
    assert_same(expected, found)


def test_sql_over_the_hand_fixture_gives_the_hand_computed_figures(current_file: Path) -> None:
    found = {row["npi"]: row for row in file_indicators(current_file).as_dicts()}
    assert found[PT_NPI]["visits"] == 170
    assert found[PT_NPI]["timed_units_per_visit"] == pytest.approx(430 / 170)
    assert found[PT_NPI]["group_share"] == pytest.approx(50 / 498)
    assert found[PT_NPI]["visits_per_beneficiary"] == pytest.approx(170 / 31)
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
