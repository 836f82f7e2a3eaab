"""A sweep of everything open data serves and exports: no figure below the publication
thresholds (Care Time from 3 or more people, clinicians' figures from 5 or more published
reports), whatever the format."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from caretime.core.evidence import MIN_PEOPLE_FOR_A_FIGURE
from caretime.core.workplace import MIN_CLINICIAN_REPORTS
from caretime.directory.models import Clinic
from caretime.opendata.ids import location_id
from tests.answers import MILL_WORKPLACE
from tests.factories import file_reports, publish


@pytest.fixture
def swept(open_directory: dict[str, Clinic]) -> dict[str, Clinic]:
    """Besides the visit reports: 5 clinicians' reports about Lincoln Park (published) and 4
    about Evanston (too few: they wait)."""
    file_reports(open_directory["near"], MILL_WORKPLACE, MIN_CLINICIAN_REPORTS)
    file_reports(open_directory["far"], MILL_WORKPLACE, MIN_CLINICIAN_REPORTS - 1)
    publish()
    return open_directory


def _care_time_allowed(figures: dict[str, str]) -> None:
    care_time = {kind: value for kind, value in figures.items() if kind.startswith("care-time") and value != ""}
    if care_time:
        assert int(care_time["care-time-reporters"]) >= MIN_PEOPLE_FOR_A_FIGURE


def _fhir_ratings(resource: dict[str, Any]) -> dict[str, str]:
    found = {}
    for extension in resource.get("extension", []):
        parts = {part["url"]: part for part in extension["extension"]}
        found[parts["ratingType"]["valueCodeableConcept"]["coding"][0]["code"]] = parts["ratingValue"]["valueString"]
    return found


def test_fhir_and_hsds_show_nothing_below_the_thresholds(client: Client, swept: dict[str, Clinic]) -> None:
    bundle = client.get("/fhir/R4/HealthcareService?_count=100").json()
    assert bundle["total"] == 4
    shown = [_fhir_ratings(entry["resource"]) for entry in bundle["entry"]]
    for figures in shown:
        _care_time_allowed(figures)
    assert sum(1 for figures in shown if "care-time-typical-minutes" in figures) == 1  # Lincoln Park only
    for service in client.get("/hsds/services?per_page=100").json()["contents"]:
        full = client.get(f"/hsds/services/{service['id']}").json()
        _care_time_allowed({a["taxonomy_term"]["code"]: a["value"] for a in full["attributes"]})


def test_the_export_shows_nothing_below_the_thresholds(tmp_path: Path, swept: dict[str, Clinic]) -> None:
    call_command("export_open_data", "--to", str(tmp_path))
    (folder,) = list(tmp_path.iterdir())

    def rows(name: str) -> list[dict[str, str]]:
        with (folder / f"{name}.csv").open(encoding="utf-8") as stream:
            return list(csv.DictReader(stream))

    for row in rows("therapies"):
        _care_time_allowed({key.replace("_", "-"): value for key, value in row.items()})
    workplace = rows("workplace")
    assert all(int(row["reports"]) >= MIN_CLINICIAN_REPORTS for row in workplace)
    assert {row["clinic_id"] for row in workplace} == {location_id(swept["near"].pk)}  # Evanston's 4 wait
