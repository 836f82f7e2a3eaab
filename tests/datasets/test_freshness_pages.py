"""After a sync from a mirror, the About page, a clinic's billing section, the state picture
and the API say which release each figure comes from and when it was imported."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from caretime.billing.directory_seeds import directory_therapists
from caretime.billing.generate import write_medicare_file
from caretime.billing.models import ClinicBillingYear
from caretime.datasets.models import DataRelease, ReleaseKind
from tests.datasets import release_server
from tests.datasets.helpers import run_command
from tests.datasets.release_server import Mirror

pytestmark = pytest.mark.django_db

MEDICARE_FILE = "MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv"


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    root.mkdir()
    with override_settings(PUBLIC_DATA_DIR=tmp_path / "public-data"):
        yield from release_server.serve(root)


@pytest.fixture
def synced(mirror: Mirror, tmp_path: Path) -> dict[str, DataRelease]:
    """A national-format release synced end to end, its Medicare claims those of the directory's
    therapists (as the real files' are), so that clinics have billing figures."""
    release_server.nppes_full(mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109")
    release_server.doctors_clinicians(mirror.root, modified=dt.date(2026, 11, 12))
    run_command("sync_public_data", "--source-url", mirror.url, "--only", "nppes,clinicians")
    write_medicare_file(
        mirror.root / MEDICARE_FILE, rows=3_000, seed=1, therapists=directory_therapists(limit=80, seed=1)
    )
    run_command("sync_public_data", "--source-url", mirror.url)
    return {release.kind: release for release in DataRelease.objects.all()}


def day(release: DataRelease) -> str:
    return timezone.localtime(release.imported_at).date().isoformat()


def text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_about_page_names_every_source_and_each_release(client: Client, synced: dict[str, DataRelease]) -> None:
    page = text(client, "/about/")

    nppes = synced[ReleaseKind.NPPES_FULL]
    rosters = synced[ReleaseKind.DOCTORS_CLINICIANS]
    medicare = synced[ReleaseKind.MEDICARE]
    assert f"Directory: NPPES release of November 2026, imported {day(nppes)}" in page
    assert f"Who works where: Doctors and Clinicians release of 2026-11-12, imported {day(rosters)}" in page
    assert (
        f"Billing figures of 2024: Medicare Physician & Other Practitioners, claims of 2024 (file {MEDICARE_FILE}), imported {day(medicare)}"
        in page
    )
    for source in (
        "NPPES",
        "Doctors and Clinicians national downloadable file",
        "Medicare Physician & Other Practitioners",
    ):
        assert source in page


def test_a_clinic_billing_section_names_its_release(client: Client, synced: dict[str, DataRelease]) -> None:
    clinic_id = ClinicBillingYear.objects.filter(year=2024).values_list("clinic_id", flat=True).first()
    assert clinic_id is not None, "the generated claims link to clinics of the directory"

    page = text(client, f"/clinics/{clinic_id}/")

    medicare = synced[ReleaseKind.MEDICARE]
    rosters = synced[ReleaseKind.DOCTORS_CLINICIANS]
    billing = page[page.index('id="billing"') :]
    assert (
        f"Source: Medicare Physician & Other Practitioners, claims of 2024 (file {MEDICARE_FILE}), imported {day(medicare)}."
        in billing
    )
    assert (
        f"Clinicians are linked to clinics by the Doctors and Clinicians release of 2026-11-12, imported {day(rosters)}."
        in billing
    )


def test_the_state_picture_names_its_release(client: Client, synced: dict[str, DataRelease]) -> None:
    page = text(client, "/data/states/?discipline=pt&year=2024")

    medicare = synced[ReleaseKind.MEDICARE]
    assert (
        f"Source: Medicare Physician & Other Practitioners, claims of 2024 (file {MEDICARE_FILE}), imported {day(medicare)}."
        in page
    )


def test_the_api_lists_the_releases_in_use(client: Client, synced: dict[str, DataRelease]) -> None:
    response = client.get("/api/v1/data-releases")

    assert response.status_code == 200
    body = response.json()
    assert body["directory"]["label"] == "NPPES release of November 2026"
    assert body["directory"]["file_name"] == "NPPES_Data_Dissemination_November_2026.zip"
    assert body["directory"]["covers_through"] == "2026-11-09"
    assert body["directory"]["imported_at"][:10] == synced[ReleaseKind.NPPES_FULL].imported_at.isoformat()[:10]
    assert body["directory_update"] is None
    assert body["rosters"]["released_on"] == "2026-11-12"
    [billing] = body["billing"]
    assert billing["claims_year"] == 2024
    assert billing["file_name"] == MEDICARE_FILE
    assert len(billing["sha256"]) == 64
    assert "/api/v1/data-releases" in client.get("/api/v1/openapi.json").json()["paths"]


def test_without_a_sync_the_pages_say_so_and_the_api_answers_nulls(client: Client, db: None) -> None:
    assert client.get("/api/v1/data-releases").json() == {
        "directory": None,
        "directory_update": None,
        "rosters": None,
        "billing": [],
    }
    page = text(client, "/about/")
    assert "Directory: no NPPES release imported by the sync yet." in page
    assert "Billing figures: no Medicare release imported by the sync yet." in page
