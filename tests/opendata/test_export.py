"""manage.py export_open_data: a data package the frictionless library finds valid, with its
licence, sums and release date, and nothing the pages would not show."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from frictionless import Package

from caretime.directory.models import Clinic
from caretime.opendata.ids import location_id


@pytest.fixture
def release(tmp_path: Path, open_directory: dict[str, Clinic]) -> Path:
    call_command("export_open_data", "--to", str(tmp_path))
    (folder,) = list(tmp_path.iterdir())
    return folder


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_the_package_validates(release: Path) -> None:
    report = Package.from_descriptor(str(release / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_licence_date_and_sums(release: Path) -> None:
    package = json.loads((release / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["version"] == release.name
    sums = dict(line.split("  ")[::-1] for line in (release / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    assert {"clinics.csv", "therapies.csv", "datapackage.json"} <= set(sums)


def test_parquet_beside_the_csv(release: Path) -> None:
    import polars as pl

    assert pl.read_parquet(release / "therapies.parquet").height == len(rows(release, "therapies"))


def test_the_figures_are_the_pages(release: Path, open_directory: dict[str, Clinic]) -> None:
    therapies = {(r["clinic_id"], r["therapy"]): r for r in rows(release, "therapies")}
    near = therapies[(location_id(open_directory["near"].pk), "pt")]
    assert near["verdict"] == "meets_bar"
    assert near["care_time_reporters"] == "3"
    loop = therapies[(location_id(open_directory["mid"].pk), "slp")]
    assert loop["verdict_reporters"] == "2"
    assert loop["care_time_typical_minutes"] == ""  # two people: no figure


def test_a_second_export_the_same_day_is_refused(release: Path) -> None:
    with pytest.raises(Exception, match="already written"):
        call_command("export_open_data", "--to", str(release.parent))


def test_ids_match_fhir_and_hsds(release: Path, client: Client) -> None:
    exported = {r["clinic_id"] for r in rows(release, "clinics")}
    served = {r["id"] for r in client.get("/hsds/locations").json()["contents"]}
    assert exported == served


def test_the_data_page_lists_the_release_and_serves_its_files(release: Path, client: Client, settings: Any) -> None:
    settings.OPEN_DATA_DIR = release.parent
    page = client.get("/data/")
    assert page.status_code == 200
    text = page.content.decode()
    sums = dict(line.split("  ")[::-1] for line in (release / "SHA256SUMS").read_text().splitlines())
    assert sums["therapies.csv"] in text
    download = client.get(f"/data/releases/{release.name}/therapies.csv")
    assert download.status_code == 200
    assert hashlib.sha256(download.getvalue()).hexdigest() == sums["therapies.csv"]


@pytest.mark.parametrize("path", ["2026-01-01/therapies.csv", "..%2F..%2Fsettings.py/x", "2026-12-07/..%2Fx"])
def test_nothing_else_is_served(path: str, client: Client, settings: Any, tmp_path: Path, db: None) -> None:
    settings.OPEN_DATA_DIR = tmp_path
    assert client.get(f"/data/releases/{path}").status_code == 404


def test_the_data_page_without_a_release(client: Client, settings: Any, tmp_path: Path, db: None) -> None:
    settings.OPEN_DATA_DIR = tmp_path / "none"
    assert "There is no release yet" in client.get("/data/").content.decode()
