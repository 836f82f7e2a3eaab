"""Finding releases on a publisher's page by their real file names."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.datasets import download
from caretime.datasets.release_files import (
    FileKind,
    candidate_for,
    candidates,
    main_member_end,
    newest_full,
    newest_medicare,
    parse_checksums,
    weeklies_after,
)

MONTH_NAMES = [dt.date(2000, month, 1).strftime("%B") for month in range(1, 13)]


def test_the_nppes_files_page_yields_its_full_file_and_weekly_updates() -> None:
    page = """<a href="./NPPES_Data_Dissemination_November_2026.zip">Full</a>
    <a href='NPPES_Data_Dissemination_111026_111626_Weekly.zip'>Weekly</a>
    <a href="NPPES_Deactivated_NPI_Report_111126.zip">Deactivations</a>
    <a href="NPPES_Data_Dissemination_Readme.pdf">Readme</a>"""

    found = candidates(page, "https://download.cms.gov/nppes/NPI_Files.html")

    assert [(c.kind, c.url, c.released_on) for c in found] == [
        (
            FileKind.NPPES_FULL,
            "https://download.cms.gov/nppes/NPPES_Data_Dissemination_November_2026.zip",
            dt.date(2026, 11, 1),
        ),
        (
            FileKind.NPPES_WEEKLY,
            "https://download.cms.gov/nppes/NPPES_Data_Dissemination_111026_111626_Weekly.zip",
            dt.date(2026, 11, 16),
        ),
    ]
    assert found[1].starts_on == dt.date(2026, 11, 10)


def test_json_metadata_yields_the_download_url() -> None:
    metadata = (
        '{"modified": "2026-11-12", "distribution": [{"downloadURL": '
        '"https:\\/\\/data.cms.gov\\/provider-data\\/sites\\/default\\/files\\/resources\\/abc_1700000000\\/'
        'DAC_NationalDownloadableFile.csv", "mediaType": "text\\/csv"}]}'
    )

    [found] = candidates(metadata, "https://data.cms.gov/provider-data/api/1/metastore/schemas/dataset/items/mj5m-pzi6")

    assert found.kind == FileKind.DOCTORS_CLINICIANS
    assert found.url.endswith("/abc_1700000000/DAC_NationalDownloadableFile.csv")


def test_the_newest_medicare_file_is_the_newest_year_then_the_newest_version() -> None:
    names = [
        "MUP_PHY_R24_P05_V10_D22_Prov_Svc.csv",
        "MUP_PHY_R25_P05_V10_D23_Prov_Svc.csv",
        "MUP_PHY_R25_P07_V11_D23_Prov_Svc.csv",
        "MUP_PHY_R25_P05_V10_D23_Prov.csv",  # by provider only: not this file
    ]
    found = [c for c in (candidate_for(f"https://x.example/{name}") for name in names) if c]

    newest = newest_medicare(found, None)
    assert newest is not None
    assert newest.file_name == "MUP_PHY_R25_P07_V11_D23_Prov_Svc.csv"
    assert newest.claims_year == 2023
    older = newest_medicare(found, 2022)
    assert older is not None
    assert older.file_name == "MUP_PHY_R24_P05_V10_D22_Prov_Svc.csv"
    assert newest_medicare(found, 2021) is None


def test_names_that_only_look_like_ours_are_ignored() -> None:
    for name in (
        "NPPES_Data_Dissemination_Smarch_2026.zip",
        "NPPES_Data_Dissemination_023026_030526_Weekly.zip",  # 30 February
        "npidata_pfile_20050523-20261109.csv",
        "DAC_NationalDownloadableFile.csv.zip",
    ):
        assert candidate_for(f"https://x.example/{name}") is None


@given(month=st.integers(1, 12), year=st.integers(2007, 2099), v2=st.booleans())
def test_every_monthly_file_name_gives_its_month(month: int, year: int, v2: bool) -> None:
    name = f"NPPES_Data_Dissemination_{MONTH_NAMES[month - 1]}_{year}{'_V2' if v2 else ''}.zip"
    found = candidate_for(f"https://x.example/nppes/{name}")
    assert found is not None
    assert found.kind == FileKind.NPPES_FULL
    assert found.released_on == dt.date(year, month, 1)


@given(
    first=st.dates(dt.date(2007, 1, 1), dt.date(2099, 12, 25)),
    weeks=st.lists(st.integers(0, 200), min_size=1, max_size=10),
    since=st.dates(dt.date(2007, 1, 1), dt.date(2099, 12, 31)),
)
def test_weekly_updates_come_oldest_first_and_only_after_the_day_given(
    first: dt.date, weeks: list[int], since: dt.date
) -> None:
    found = []
    for week in weeks:
        start = first + dt.timedelta(weeks=week)
        end = start + dt.timedelta(days=6)
        if end.year > 2099:
            continue
        candidate = candidate_for(f"https://x.example/NPPES_Data_Dissemination_{start:%m%d%y}_{end:%m%d%y}_Weekly.zip")
        assert candidate is not None
        found.append(candidate)

    chosen = weeklies_after(found, since)

    ends = [c.released_on for c in chosen]
    assert ends == sorted(set(ends))
    assert all(end > since for end in ends)
    assert set(ends) == {c.released_on for c in found if c.released_on > since}


def test_the_v2_twin_of_a_month_is_preferred() -> None:
    found = [
        c
        for c in (
            candidate_for("https://x.example/NPPES_Data_Dissemination_October_2026.zip"),
            candidate_for("https://x.example/NPPES_Data_Dissemination_November_2026.zip"),
            candidate_for("https://x.example/NPPES_Data_Dissemination_November_2026_V2.zip"),
        )
        if c
    ]
    newest = newest_full(found)
    assert newest is not None
    assert newest.file_name == "NPPES_Data_Dissemination_November_2026_V2.zip"


def test_member_names_and_checksum_lists() -> None:
    assert main_member_end("npidata_pfile_20050523-20261109.csv") == dt.date(2026, 11, 9)
    assert main_member_end("npidata_pfile_20050523-20261109_fileheader.csv") is None
    digest = "a" * 64
    assert parse_checksums(
        f"{digest}  DAC_NationalDownloadableFile.csv\n{digest.upper()} *other.zip\nnot a line\n"
    ) == {
        "DAC_NationalDownloadableFile.csv": digest,
        "other.zip": digest,
    }


def test_a_member_that_would_not_fit_on_the_disk_is_not_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("npidata_pfile_20050523-20261109.csv", "NPI\n1234567893\n")
    target = tmp_path / "npidata.csv"
    # As if the disk had less room left than the member and the margin kept beside it: a
    # gigabyte more than is free now, as other processes (the other test worker, the database)
    # free space meanwhile; the free space itself was one write of theirs away from passing.
    monkeypatch.setattr(download, "DISK_TO_SPARE", shutil.disk_usage(tmp_path).free + (1 << 30))
    with pytest.raises(download.DownloadError, match="free more space"):
        download.extract_member(archive, "npidata_pfile_20050523-20261109.csv", target)
    assert not target.exists()
    monkeypatch.setattr(download, "DISK_TO_SPARE", 0)
    assert download.extract_member(archive, "npidata_pfile_20050523-20261109.csv", target).read_text().startswith("NPI")
