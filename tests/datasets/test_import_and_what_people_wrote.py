"""Importing the registry again never disturbs what people wrote, and search sees it at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from caretime.directory.models import Clinic
from caretime.reports.models import CallReport
from tests.answers import MILL
from tests.datasets.helpers import organization_row, run_command, write_file
from tests.factories import add_call

pytestmark = pytest.mark.django_db


def test_call_reports_stay_with_their_clinic_across_re_imports(tmp_path: Path, client: Client) -> None:
    first = write_file(
        tmp_path / "v1.csv", [organization_row(111111111, "STAYS PT"), organization_row(111111112, "GONE PT")]
    )
    run_command("import_nppes", first)
    stays, gone = Clinic.objects.get(name="STAYS PT"), Clinic.objects.get(name="GONE PT")
    add_call(stays, MILL)
    add_call(gone, MILL)

    run_command("import_nppes", first)  # the same file again
    run_command("import_nppes", write_file(tmp_path / "v2.csv", [organization_row(111111111, "STAYS PT RENAMED")]))

    assert CallReport.objects.filter(clinic_id=stays.pk).count() == 1
    assert CallReport.objects.filter(clinic_id=gone.pk).count() == 1  # the clinic is inactive, not deleted
    assert not Clinic.objects.get(pk=gone.pk).is_active
    verdict = client.get(f"/api/v1/clinics/{stays.pk}/verdict", {"discipline": "pt"}).json()
    assert verdict["verdict"] == "avoid"


def test_search_answers_change_as_soon_as_an_import_changes_the_directory(tmp_path: Path, client: Client) -> None:
    run_command("import_nppes", write_file(tmp_path / "v1.csv", [organization_row(111111111, "FIRST PT")]))
    before = client.get("/api/v1/clinics", {"near": "60614"}).json()
    assert [item["name"] for item in before["items"]] == ["FIRST PT"]
    run_command(
        "import_nppes",
        write_file(
            tmp_path / "v2.csv", [organization_row(111111111, "FIRST PT"), organization_row(111111112, "SECOND PT")]
        ),
    )
    after = client.get("/api/v1/clinics", {"near": "60614"}).json()
    assert sorted(item["name"] for item in after["items"]) == ["FIRST PT", "SECOND PT"]
