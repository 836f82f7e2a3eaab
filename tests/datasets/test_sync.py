"""manage.py sync_public_data against a local mirror: generated releases, zipped and named
like the real ones, served over HTTP with Range requests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.test import Client, override_settings
from time_machine import TimeMachineFixture

from caretime.billing.models import MedicareServiceLine
from caretime.datasets.formats import WrongFileError
from caretime.datasets.models import DataRelease, ReleaseKind
from caretime.datasets.sync import IndicatorsComputed, Locations, MedicareImported, sync_public_data
from caretime.directory.models import Clinic, ClinicSource, Organization
from caretime.verdicts.management.commands.sync_public_data import medicare_steps
from tests.datasets import release_server
from tests.datasets.helpers import organization_row, run_command
from tests.datasets.release_server import Mirror

pytestmark = pytest.mark.django_db


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    root.mkdir()
    yield from release_server.serve(root)


@pytest.fixture(autouse=True)
def _work_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(PUBLIC_DATA_DIR=tmp_path / "public-data"):
        yield tmp_path / "public-data"


def sync(mirror: Mirror, *args: str) -> str:
    return run_command("sync_public_data", "--source-url", mirror.url, *args)


def kinds() -> list[str]:
    return sorted(DataRelease.objects.values_list("kind", flat=True))


def test_a_full_sync_imports_every_source_in_order_and_records_each_release(mirror: Mirror, tmp_path: Path) -> None:
    files = release_server.national_release(mirror.root, tmp_path / "work")

    output = sync(mirror)

    assert Clinic.objects.filter(source=ClinicSource.NPPES).exists()
    assert Clinic.objects.filter(source=ClinicSource.DOCTORS_CLINICIANS).exists()
    assert MedicareServiceLine.objects.filter(year=2024).exists()
    assert kinds() == sorted([ReleaseKind.NPPES_FULL, ReleaseKind.DOCTORS_CLINICIANS, ReleaseKind.MEDICARE])
    nppes = DataRelease.objects.get(kind=ReleaseKind.NPPES_FULL)
    assert nppes.label == "NPPES release of November 2026"
    assert nppes.file_name == "NPPES_Data_Dissemination_November_2026.zip"
    assert nppes.covers_through == dt.date(2026, 11, 9)  # from npidata_pfile_20050523-20261109.csv
    assert nppes.size_bytes == files["nppes"].stat().st_size
    assert len(nppes.sha256) == 64
    assert nppes.rows_read > 0
    assert DataRelease.objects.get(kind=ReleaseKind.DOCTORS_CLINICIANS).released_on == dt.date(2026, 11, 12)
    assert DataRelease.objects.get(kind=ReleaseKind.MEDICARE).claims_year == 2024
    assert "Imported: NPPES release of November 2026;" in output
    # Directory first, rosters next, claims last.
    order = [output.index(f"Importing {what}") for what in ("NPPES", "Doctors and Clinicians", "Medicare")]
    assert order == sorted(order)
    # Nothing is left behind but the lock file.
    assert [path.name for path in (tmp_path / "public-data").iterdir()] == [".sync.lock"]


def test_a_repeated_sync_does_nothing(mirror: Mirror, tmp_path: Path) -> None:
    release_server.national_release(mirror.root, tmp_path / "work")
    sync(mirror)
    recorded = list(DataRelease.objects.values_list("pk", "imported_at"))
    clinics = list(Clinic.objects.values_list("pk", "updated_at"))
    mirror.requests.clear()

    output = sync(mirror)

    assert "Nothing new to import" in output
    assert list(DataRelease.objects.values_list("pk", "imported_at")) == recorded
    assert list(Clinic.objects.values_list("pk", "updated_at")) == clinics
    assert [request for request in mirror.requests if request[0] == "GET" and request[1] != "/"] == []


def test_a_server_that_dates_nothing_gets_no_daily_import_of_an_unchanged_file(
    mirror: Mirror, time_machine: TimeMachineFixture
) -> None:
    """The Doctors and Clinicians file keeps its name from release to release: without a date
    or ETag from the server its size tells the releases apart, never the day of the sync."""
    time_machine.move_to(dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC), tick=False)
    mirror.dated = False
    release_server.doctors_clinicians(mirror.root, modified=dt.date(2026, 11, 1))
    sync(mirror, "--only", "clinicians")
    imported = DataRelease.objects.count()
    assert imported == 1
    mirror.requests.clear()
    time_machine.shift(dt.timedelta(days=1))  # the next day's sync
    output = sync(mirror, "--only", "clinicians")
    assert "already imported" in output
    assert DataRelease.objects.count() == imported
    assert [request for request in mirror.requests if request[0] == "GET" and request[1] != "/"] == []


def test_an_interrupted_download_is_resumed_with_a_range_request(mirror: Mirror, tmp_path: Path) -> None:
    archive = release_server.nppes_full(
        mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109"
    )
    mirror.cuts[archive.name] = [5_000]

    sync(mirror, "--only", "nppes")

    downloads = mirror.file_requests(archive.name)
    assert [(method, ranged) for method, _, ranged in downloads] == [("GET", ""), ("GET", "bytes=5000-")]
    release = DataRelease.objects.get()
    assert release.size_bytes == archive.stat().st_size
    assert Clinic.objects.filter(source=ClinicSource.NPPES).exists()


def test_a_download_cut_short_on_every_try_is_resumed_by_the_next_run(mirror: Mirror, tmp_path: Path) -> None:
    archive = release_server.nppes_full(
        mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109"
    )
    size = archive.stat().st_size
    # The first run gets three pieces, then gives up and keeps them.
    mirror.cuts[archive.name] = [1_000, 1_000, 1_000]
    with pytest.raises(CommandError, match="incomplete after 3 tries") as refused:
        sync(mirror, "--only", "nppes")
    assert "Run the sync again to resume" in str(refused.value)
    assert DataRelease.objects.count() == 0
    assert (tmp_path / "public-data" / f"{archive.name}.part").stat().st_size == 3_000

    sync(mirror, "--only", "nppes")

    assert mirror.file_requests(archive.name)[-1][2] == "bytes=3000-"
    assert DataRelease.objects.get().size_bytes == size


def _damage(archive: Path) -> None:
    """Flip bytes inside the main member's compressed data: the archive's directory is intact,
    its CRC check is not."""
    with zipfile.ZipFile(archive) as readable:
        info = next(
            i for i in readable.infolist() if i.filename.startswith("npidata_pfile_") and "header" not in i.filename
        )
    data = bytearray(archive.read_bytes())
    middle = info.header_offset + 100 + info.compress_size // 2
    data[middle : middle + 8] = bytes(255 - b for b in data[middle : middle + 8])
    archive.write_bytes(bytes(data))


def test_a_corrupt_archive_is_refused_and_nothing_is_imported(mirror: Mirror, tmp_path: Path) -> None:
    files = release_server.national_release(mirror.root, tmp_path / "work")
    _damage(files["nppes"])

    with pytest.raises(CommandError) as refused:
        sync(mirror)

    assert "NPPES_Data_Dissemination_November_2026.zip" in str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert DataRelease.objects.count() == 0
    assert Clinic.objects.count() == 0
    assert MedicareServiceLine.objects.count() == 0
    # The damaged file is not kept: the next run fetches it anew.
    assert not (tmp_path / "public-data" / files["nppes"].name).exists()


def test_a_truncated_archive_is_refused(mirror: Mirror, tmp_path: Path) -> None:
    archive = release_server.nppes_full(
        mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109"
    )
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(CommandError, match="not a readable zip archive"):
        sync(mirror, "--only", "nppes")

    assert Clinic.objects.count() == 0
    assert DataRelease.objects.count() == 0


def test_a_changed_column_stops_the_sync_before_any_import_and_names_the_column(mirror: Mirror, tmp_path: Path) -> None:
    files = release_server.national_release(mirror.root, tmp_path / "work")
    text = files["medicare"].read_text()
    header, _, rest = text.partition("\n")
    files["medicare"].write_text(header.replace("Tot_Bene_Day_Srvcs", "Tot_Bene_Day_Svcs") + "\n" + rest)

    with pytest.raises(CommandError) as refused:
        sync(mirror)

    message = str(refused.value)
    assert "Tot_Bene_Day_Srvcs" in message
    assert "nothing was imported" in message
    assert DataRelease.objects.count() == 0
    assert Clinic.objects.count() == 0  # not even the directory, which came first

    # The publisher puts the column back: the copy fetched before is not the file served now,
    # so it is fetched again, and everything is imported.
    files["medicare"].write_text(text)
    sync(mirror)
    assert DataRelease.objects.count() == 3
    assert MedicareServiceLine.objects.exists()


def test_a_weekly_update_is_applied_incrementally_then_a_newer_month_in_full(mirror: Mirror, tmp_path: Path) -> None:
    release_server.nppes_full(mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109")
    sync(mirror, "--only", "nppes")
    active_before = Clinic.objects.filter(is_active=True).count()

    release_server.nppes_weekly(
        mirror.root,
        tmp_path / "work",
        first=dt.date(2026, 11, 10),
        last=dt.date(2026, 11, 16),
        rows=[organization_row(199999991, "WEEKLY NEW REHAB LLC")],
    )
    output = sync(mirror, "--only", "nppes")

    assert "NPPES weekly update through 2026-11-16" in output
    assert Organization.objects.filter(legal_name="WEEKLY NEW REHAB LLC").exists()
    # An update lists only what changed: the clinics it does not list stay active.
    assert Clinic.objects.filter(is_active=True).count() == active_before + 1
    weekly = DataRelease.objects.get(kind=ReleaseKind.NPPES_WEEKLY)
    assert weekly.covers_through == dt.date(2026, 11, 16)
    assert "NPPES_Data_Dissemination_November_2026.zip" not in [path for _, path, _ in mirror.requests]

    # December's full file no longer lists the weekly's clinic: it is kept, marked inactive,
    # and its page says it may have closed, naming the release.
    (mirror.root / "NPPES_Data_Dissemination_November_2026.zip").unlink()
    release_server.nppes_full(mirror.root, tmp_path / "work2", month="December", year=2026, last_day="20261207")
    sync(mirror, "--only", "nppes")

    gone = Clinic.objects.get(organization__legal_name="WEEKLY NEW REHAB LLC")
    assert not gone.is_active
    page = Client().get(f"/clinics/{gone.pk}/").content.decode()
    assert "Possibly closed" in page
    assert "not listed in the NPPES release of December 2026" in page
    assert sorted(DataRelease.objects.filter(kind=ReleaseKind.NPPES_FULL).values_list("file_name", flat=True)) == [
        "NPPES_Data_Dissemination_December_2026.zip",
        "NPPES_Data_Dissemination_November_2026.zip",
    ]


def test_a_weekly_update_older_than_the_full_file_is_passed_over(mirror: Mirror, tmp_path: Path) -> None:
    release_server.nppes_full(mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109")
    release_server.nppes_weekly(
        mirror.root,
        tmp_path / "work",
        first=dt.date(2026, 11, 3),
        last=dt.date(2026, 11, 9),
        rows=[organization_row(199999991, "OLD WEEK REHAB LLC")],
    )

    output = sync(mirror, "--only", "nppes")

    assert "ends before the full file does; passed over" in output
    assert not Organization.objects.filter(legal_name="OLD WEEK REHAB LLC").exists()
    assert kinds() == [ReleaseKind.NPPES_FULL]


def test_weekly_updates_after_a_missing_week_wait_for_the_next_full_file(mirror: Mirror, tmp_path: Path) -> None:
    release_server.nppes_full(mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109")
    sync(mirror, "--only", "nppes")
    release_server.nppes_weekly(
        mirror.root,
        tmp_path / "work",
        first=dt.date(2026, 11, 10),
        last=dt.date(2026, 11, 16),
        rows=[organization_row(199999991, "FIRST WEEK REHAB LLC")],
    )
    # The week of 17 to 23 November is no longer offered.
    release_server.nppes_weekly(
        mirror.root,
        tmp_path / "work",
        first=dt.date(2026, 11, 24),
        last=dt.date(2026, 11, 30),
        rows=[organization_row(199999992, "THIRD WEEK REHAB LLC")],
    )

    output = sync(mirror, "--only", "nppes")

    assert "no weekly update offered covers 2026-11-17" in output
    assert Organization.objects.filter(legal_name="FIRST WEEK REHAB LLC").exists()
    assert not Organization.objects.filter(legal_name="THIRD WEEK REHAB LLC").exists()
    assert DataRelease.objects.get(kind=ReleaseKind.NPPES_WEEKLY).covers_through == dt.date(2026, 11, 16)


def test_a_corrected_medicare_file_replaces_its_year(mirror: Mirror, tmp_path: Path) -> None:
    first = release_server.medicare(mirror.root, version=10, rows=400)
    sync(mirror, "--only", "medicare")
    before = MedicareServiceLine.objects.filter(year=2024).count()
    first.unlink()
    release_server.medicare(mirror.root, version=11, rows=200)

    output = sync(mirror, "--only", "medicare")

    assert "replaces the claims year" not in output  # that is the dry run's wording
    assert 0 < MedicareServiceLine.objects.filter(year=2024).count() < before
    assert DataRelease.objects.filter(kind=ReleaseKind.MEDICARE).count() == 2


def test_the_sync_runs_the_medicare_steps_its_caller_passes_in(mirror: Mirror) -> None:
    release_server.medicare(mirror.root)
    steps = medicare_steps()
    calls: list[str] = []

    def check_columns(path: Path) -> None:
        calls.append(f"check {path.name}")
        steps.check_columns(path)

    def import_file(**options: Any) -> MedicareImported:
        calls.append(f"import {options['year']}")
        return steps.import_file(**options)

    def compute_indicators(**options: Any) -> IndicatorsComputed:
        calls.append(f"indicators {options['year']}")
        return steps.compute_indicators(**options)

    result = sync_public_data(
        locations=Locations.configured(mirror.url),
        only=("medicare",),
        medicare=dataclasses.replace(
            steps, check_columns=check_columns, import_file=import_file, compute_indicators=compute_indicators
        ),
    )

    name = "MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv"
    assert calls == [f"check {name}", "import 2024", "indicators 2024"]
    assert [release.file_name for release in result.imported] == [name]
    assert steps.claims_years() == {2024}


def test_the_commands_medicare_steps_refuse_a_wrong_file_with_the_syncs_error(tmp_path: Path) -> None:
    wrong = tmp_path / "MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv"
    wrong.write_text("NPI,Name\n1234567893,Somebody\n")

    with pytest.raises(WrongFileError):
        medicare_steps().check_columns(wrong)
    with pytest.raises(WrongFileError):
        medicare_steps().import_file(path=wrong, year=2024, replace_year=False, progress=None)
    assert not MedicareServiceLine.objects.exists()


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(mirror: Mirror, tmp_path: Path) -> None:
    release_server.national_release(mirror.root, tmp_path / "work")

    output = sync(mirror, "--dry-run")

    assert "NPPES release of November 2026: NPPES_Data_Dissemination_November_2026.zip (full import" in output
    assert "Doctors and Clinicians release of 2026-11-12: DAC_NationalDownloadableFile.csv (rosters)" in output
    assert "MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv" in output
    assert DataRelease.objects.count() == 0
    assert Clinic.objects.count() == 0
    assert [request for request in mirror.requests if request[0] == "GET" and request[1] != "/"] == []
    assert not (tmp_path / "public-data").exists()


def test_a_published_checksum_that_does_not_match_is_refused(mirror: Mirror, tmp_path: Path) -> None:
    medicare = release_server.medicare(mirror.root)
    (mirror.root / "SHA256SUMS").write_text(f"{'0' * 64}  {medicare.name}\n")

    with pytest.raises(CommandError, match="published checksum"):
        sync(mirror, "--only", "medicare")

    assert MedicareServiceLine.objects.count() == 0


def test_a_published_checksum_that_matches_is_accepted(mirror: Mirror, tmp_path: Path) -> None:
    import hashlib

    medicare = release_server.medicare(mirror.root)
    (mirror.root / "SHA256SUMS").write_text(f"{hashlib.sha256(medicare.read_bytes()).hexdigest()}  {medicare.name}\n")

    sync(mirror, "--only", "medicare")

    assert DataRelease.objects.get().sha256 == hashlib.sha256(medicare.read_bytes()).hexdigest()


def test_bad_options_are_refused_with_what_to_fix(mirror: Mirror) -> None:
    with pytest.raises(CommandError, match="--only takes a comma-separated list of nppes, clinicians, medicare"):
        sync(mirror, "--only", "nppes,billing")
    with pytest.raises(CommandError, match="not a plausible claims year"):
        sync(mirror, "--year", "1999")


def test_an_unreachable_mirror_is_said_plainly(mirror: Mirror) -> None:
    with pytest.raises(CommandError, match="answered 404"):
        run_command("sync_public_data", "--source-url", mirror.url + "missing/")


def test_a_clinic_whose_npi_a_weekly_update_deactivates_names_that_update(mirror: Mirror, tmp_path: Path) -> None:
    release_server.nppes_full(mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109")
    sync(mirror, "--only", "nppes")
    clinic = Clinic.objects.filter(source=ClinicSource.NPPES, is_active=True).select_related("organization").first()
    assert clinic is not None
    release_server.nppes_weekly(
        mirror.root,
        tmp_path / "work",
        first=dt.date(2026, 11, 10),
        last=dt.date(2026, 11, 16),
        rows=[{"NPI": str(clinic.organization.npi), "NPI Deactivation Date": "11/12/2026"}],
    )

    sync(mirror, "--only", "nppes")

    clinic.refresh_from_db()
    assert not clinic.is_active
    page = Client().get(f"/clinics/{clinic.pk}/").content.decode()
    assert "Possibly closed" in page
    assert "not listed in the NPPES weekly update through 2026-11-16" in page


def test_a_group_address_a_newer_roster_file_drops_names_that_file(mirror: Mirror, tmp_path: Path) -> None:
    release_server.nppes_full(mirror.root, tmp_path / "work", month="November", year=2026, last_day="20261109")
    release_server.doctors_clinicians(mirror.root, modified=dt.date(2026, 11, 12), rows=300)
    sync(mirror, "--only", "nppes,clinicians")
    release_server.doctors_clinicians(mirror.root, modified=dt.date(2026, 12, 10), rows=60)

    sync(mirror, "--only", "clinicians")

    dropped = Clinic.objects.filter(source=ClinicSource.DOCTORS_CLINICIANS, is_active=False).first()
    assert dropped is not None
    page = Client().get(f"/clinics/{dropped.pk}/").content.decode()
    assert "not listed in the Doctors and Clinicians release of 2026-12-10" in page
    assert DataRelease.objects.filter(kind=ReleaseKind.DOCTORS_CLINICIANS).count() == 2
