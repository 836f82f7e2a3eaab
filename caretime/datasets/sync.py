"""One command for real data: find the newest public releases, fetch and check them, import
them in the right order, and record each release (``manage.py sync_public_data``).

The order is the directory (NPPES full file, then its weekly updates), then the rosters
(Doctors and Clinicians, which link therapists to the clinics the directory holds), then
Medicare claims (whose indicators roll clinicians up to those clinics). Every file is
fetched and checked (size, archive, checksum when one is published, header) before any is
imported, so a changed format stops the sync before it writes anything.

Medicare claims belong to a layer above this one, so the sync imports nothing of theirs: the
caller passes the Medicare steps in (``MedicareSteps``); the ``sync_public_data`` command,
in ``caretime.verdicts``, builds them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from caretime.datasets import download as web
from caretime.datasets.doctors_clinicians import doctors_clinicians_columns
from caretime.datasets.formats import WrongFileError
from caretime.datasets.models import DataRelease, ReleaseKind
from caretime.datasets.nppes import location_columns, nppes_columns
from caretime.datasets.release_files import (
    NPPES_LOCATIONS_MEMBER,
    NPPES_MAIN_MEMBER,
    Candidate,
    FileKind,
    candidates,
    checksum_url,
    main_member_end,
    newest_full,
    newest_medicare,
    parse_checksums,
    weeklies_after,
    without_gap,
)
from caretime.extras import ExtraMissingError
from caretime.progress import ProgressCallback

SOURCES = ("nppes", "clinicians", "medicare")


class SyncError(RuntimeError):
    """The sync stopped; the message says why and what to do. Nothing after the failing
    step was imported."""


class MedicareImported(Protocol):
    """What a Medicare import tells the sync, which records it with the release."""

    @property
    def read(self) -> int: ...
    @property
    def imported(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def removed(self) -> int: ...
    @property
    def skipped(self) -> Mapping[str, int]: ...


class IndicatorsComputed(Protocol):
    """What computing a claims year's billing indicators tells the sync, which says it."""

    @property
    def clinicians(self) -> int: ...
    @property
    def clinics(self) -> int: ...


class ImportMedicareFile(Protocol):
    def __call__(
        self, *, path: Path, year: int, replace_year: bool, progress: ProgressCallback | None
    ) -> MedicareImported: ...


class ComputeIndicators(Protocol):
    def __call__(self, *, year: int, progress: ProgressCallback | None) -> IndicatorsComputed: ...


@dataclass(frozen=True)
class MedicareSteps:
    """The Medicare claims steps of a sync, passed in by its caller (claims and their
    indicators live in a layer above the public-data import, which imports nothing of theirs)."""

    check_columns: Callable[[Path], None]
    """Read a fetched Medicare file's header; raise ``WrongFileError`` (its message saying why)
    when it is not a file the import reads. Called before anything is imported."""

    import_file: ImportMedicareFile
    """Import one claims year's file (``replace_year``: the file replaces the stored year) and
    return its counts; raise ``WrongFileError`` when the file turns out unreadable."""

    compute_indicators: ComputeIndicators
    """Compute (replace) one claims year's billing indicators from its imported rows."""

    claims_years: Callable[[], set[int]]
    """The claims years whose rows are imported, whose indicators are computed anew when the
    directory or the rosters change."""


@dataclass(frozen=True)
class Locations:
    """Where each publisher lists its releases (a page of links)."""

    nppes: str
    doctors_clinicians: str
    medicare: str

    @classmethod
    def configured(cls, source_url: str | None = None) -> Locations:
        """The publishers' locations from the settings, or one mirror's listing for all three."""
        if source_url:
            return cls(source_url, source_url, source_url)
        return cls(settings.NPPES_INDEX_URL, settings.DOCTORS_CLINICIANS_INDEX_URL, settings.MEDICARE_INDEX_URL)


@dataclass
class Planned:
    """A release to import, and once fetched, what was checked about it."""

    candidate: Candidate
    release_key: str
    released_on: dt.date
    replace_year: bool = False
    path: Path | None = None
    size: int = 0
    sha256: str = ""
    main: Path | None = None  # NPPES: the extracted main file and practice-location file
    locations: Path | None = None
    covers_through: dt.date | None = None
    extracted: list[Path] = field(default_factory=list)

    @property
    def kind(self) -> FileKind:
        return self.candidate.kind

    @property
    def label(self) -> str:
        return str(_unsaved_release(self).label)


@dataclass
class SyncResult:
    planned: list[Planned]
    imported: list[DataRelease]
    notes: list[str]


Say = Callable[[str], None]


def sync_public_data(
    *,
    locations: Locations,
    medicare: MedicareSteps,
    only: tuple[str, ...] = SOURCES,
    year: int | None = None,
    dry_run: bool = False,
    work_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    say: Say = lambda line: None,
) -> SyncResult:
    """Import every newer release of the chosen sources; releases already recorded are skipped.

    ``medicare`` carries out the Medicare claims steps, needed even when Medicare is not among
    the sources: a changed directory or roster has the imported claims years' indicators computed anew.

    Raises SyncError before importing anything when a release cannot be fetched or checked.
    """
    work_dir = Path(work_dir or settings.PUBLIC_DATA_DIR)
    notes: list[str] = []
    pages = _read_pages(locations, only)
    planned = _plan(locations, pages, only, year, notes)
    for note in notes:
        say(note)
    if dry_run or not planned:
        return SyncResult(planned, [], notes)
    work_dir.mkdir(parents=True, exist_ok=True)
    with _only_one_sync(work_dir):
        checksums = _published_checksums(pages)
        for item in planned:
            say(f"Fetching {item.candidate.file_name} ({item.label}) ...")
            _fetch_and_check(item, work_dir, checksums, medicare, progress)
            say(f"Checked {item.candidate.file_name}: {item.size:,} bytes, SHA-256 {item.sha256}.")
        imported = _import_all(planned, medicare, progress, say, notes)
        for item in planned:
            _clean_up(item)
    return SyncResult(planned, imported, notes)


# Planning -------------------------------------------------------------------------------


def _read_pages(locations: Locations, only: tuple[str, ...]) -> dict[str, str]:
    """The text of each page the chosen sources are listed on (a mirror's page is read once)."""
    urls = (locations.nppes, locations.doctors_clinicians, locations.medicare)
    pages: dict[str, str] = {}
    try:
        for source, url in zip(SOURCES, urls, strict=True):
            if source in only and url not in pages:
                pages[url] = web.read_page(url)
    except web.DownloadError as error:
        raise SyncError(str(error)) from None
    return pages


def _plan(
    locations: Locations, pages: dict[str, str], only: tuple[str, ...], year: int | None, notes: list[str]
) -> list[Planned]:
    def found(url: str) -> list[Candidate]:
        return candidates(pages[url], url)

    planned: list[Planned] = []
    if "nppes" in only:
        planned += _plan_nppes(found(locations.nppes), notes)
    if "clinicians" in only:
        planned += _plan_doctors_clinicians(found(locations.doctors_clinicians), notes)
    if "medicare" in only:
        planned += _plan_medicare(found(locations.medicare), year, notes)
    return planned


def _recorded(key: str) -> bool:
    return DataRelease.objects.filter(release_key=key).exists()


def _plan_nppes(found: list[Candidate], notes: list[str]) -> list[Planned]:
    planned: list[Planned] = []
    full = newest_full(found)
    last_full = DataRelease.objects.filter(kind=ReleaseKind.NPPES_FULL).order_by("-released_on").first()
    if full is None:
        notes.append("NPPES: no monthly full file (NPPES_Data_Dissemination_<Month>_<Year>.zip) is listed.")
    elif _recorded(full.file_name):
        notes.append(f"NPPES: {full.file_name} is already imported.")
    elif last_full is not None and last_full.released_on >= full.released_on:
        notes.append(f"NPPES: {full.file_name} is not newer than the {last_full.label} already imported.")
    else:
        planned.append(Planned(full, full.file_name, full.released_on))
    if planned:
        # The full file's last day is read from its contents once fetched; weeklies that end
        # before it are passed over then.
        since = planned[0].released_on - dt.timedelta(days=1)
    else:
        latest = (
            DataRelease.objects.filter(kind__in=[ReleaseKind.NPPES_FULL, ReleaseKind.NPPES_WEEKLY])
            .exclude(covers_through=None)
            .order_by("-covers_through")
            .first()
        )
        if latest is None or latest.covers_through is None:
            if any(c.kind == FileKind.NPPES_WEEKLY for c in found):
                notes.append("NPPES: weekly updates are applied only on top of an imported full file.")
            return planned
        since = latest.covers_through
    weeklies = weeklies_after(found, since)
    if not planned:  # on top of what is imported, nothing may be missing in between
        weeklies, missing = without_gap(weeklies, since)
        if missing is not None:
            notes.append(
                f"NPPES: no weekly update offered covers {missing.isoformat()}, so the updates after it "
                "are not applied; the next monthly full file brings the directory up to date."
            )
    for weekly in weeklies:
        if _recorded(weekly.file_name):
            continue
        planned.append(Planned(weekly, weekly.file_name, weekly.released_on))
    if not planned:
        notes.append("NPPES: no newer weekly update.")
    return planned


def _plan_doctors_clinicians(found: list[Candidate], notes: list[str]) -> list[Planned]:
    candidate = next((c for c in found if c.kind == FileKind.DOCTORS_CLINICIANS), None)
    if candidate is None:
        notes.append("Doctors and Clinicians: no DAC_NationalDownloadableFile.csv is listed.")
        return []
    try:
        remote = web.remote_file(candidate.url)
    except web.DownloadError as error:
        raise SyncError(str(error)) from None
    # Its name never changes, so the server's validator (ETag, else Last-Modified) and the size
    # tell one release from the next; never the day of the sync, or a server that sends
    # neither would have the whole national file imported again every day.
    released_on = remote.last_modified or timezone.now().date()
    key = f"{candidate.file_name}@{remote.validator}:{remote.size}"
    if _recorded(key):
        notes.append(f"Doctors and Clinicians: the release of {released_on.isoformat()} is already imported.")
        return []
    return [Planned(candidate, key, released_on)]


def _plan_medicare(found: list[Candidate], year: int | None, notes: list[str]) -> list[Planned]:
    candidate = newest_medicare(found, year)
    if candidate is None:
        wanted = f" of claims year {year}" if year else ""
        notes.append(f"Medicare: no MUP_PHY_..._Prov_Svc.csv file{wanted} is listed.")
        return []
    if _recorded(candidate.file_name):
        notes.append(f"Medicare: {candidate.file_name} is already imported.")
        return []
    # A newer file for a year already imported is a correction: it replaces that year.
    replace = DataRelease.objects.filter(kind=ReleaseKind.MEDICARE, claims_year=candidate.claims_year).exists()
    return [Planned(candidate, candidate.file_name, candidate.released_on, replace_year=replace)]


def plan_lines(planned: list[Planned]) -> list[str]:
    lines = []
    for item in planned:
        how = {
            FileKind.NPPES_FULL: "full import; what it no longer lists is marked inactive",
            FileKind.NPPES_WEEKLY: "incremental update",
            FileKind.DOCTORS_CLINICIANS: "rosters",
            FileKind.MEDICARE: "replaces the claims year" if item.replace_year else "claims, then billing indicators",
        }[item.kind]
        lines.append(f"  {item.label}: {item.candidate.file_name} ({how})")
    return lines


# Fetching and checking --------------------------------------------------------------------


@contextlib.contextmanager
def _only_one_sync(work_dir: Path) -> Iterator[None]:
    with (work_dir / ".sync.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError(f"Another sync is running (it holds {work_dir / '.sync.lock'}).") from None
        yield


def _published_checksums(pages: dict[str, str]) -> dict[str, str]:
    """File name -> SHA-256 from a SHA256SUMS file linked from any of the pages (mirrors)."""
    sums: dict[str, str] = {}
    for url, page in pages.items():
        found = checksum_url(page, url)
        if found:
            try:
                sums.update(parse_checksums(web.read_page(found)))
            except web.DownloadError as error:
                raise SyncError(str(error)) from None
    return sums


def _fetch_and_check(
    item: Planned,
    work_dir: Path,
    checksums: dict[str, str],
    medicare: MedicareSteps,
    progress: ProgressCallback | None,
) -> None:
    name = item.candidate.file_name
    try:
        path = web.download(item.candidate.url, work_dir / name, progress=progress)
        item.path, item.size, item.sha256 = path, path.stat().st_size, web.sha256_of(path)
        published = checksums.get(name)
        if published and published != item.sha256:
            path.unlink()
            raise SyncError(
                f"{name}: its SHA-256 is {item.sha256}, the published checksum is {published}. "
                "The file was removed; run the sync again to fetch it anew."
            )
        if item.candidate.is_archive:
            _extract_nppes(item, path, work_dir)
            if item.main is None:
                raise ValueError("item.main is missing")
            nppes_columns(item.main)
            if item.locations is not None:
                location_columns(item.locations)
        elif item.kind == FileKind.DOCTORS_CLINICIANS:
            doctors_clinicians_columns(path)
        else:
            medicare.check_columns(path)
    except web.DownloadError as error:
        raise SyncError(f"{error} Nothing was imported.") from None
    except WrongFileError as error:
        raise SyncError(
            f"{name} is not in the format caretime reads: {error} The publisher may have changed the file; "
            "nothing was imported (see docs/operations.md, 'When a publisher changes a format')."
        ) from None


def _extract_nppes(item: Planned, archive: Path, work_dir: Path) -> None:
    """Only the main and practice-location members are extracted (the engine reads a file by
    its path); the other members of the archive are never unpacked."""
    try:
        members = web.archive_members(archive)
    except web.DownloadError:
        archive.unlink()  # refetch next time rather than fail on the same bytes forever
        raise
    main = next((m for m in members if NPPES_MAIN_MEMBER.match(m.rsplit("/", 1)[-1])), None)
    side = next((m for m in members if NPPES_LOCATIONS_MEMBER.match(m.rsplit("/", 1)[-1])), None)
    if main is None:
        raise SyncError(
            f"{archive.name} has no npidata_pfile_START-END.csv member (it has: {', '.join(members[:10])}). "
            "Nothing was imported."
        )
    folder = work_dir / (archive.stem + ".extracted")
    folder.mkdir(exist_ok=True)
    try:
        item.main = web.extract_member(archive, main, folder / main.rsplit("/", 1)[-1])
        item.extracted.append(item.main)
        if side is not None:
            item.locations = web.extract_member(archive, side, folder / side.rsplit("/", 1)[-1])
            item.extracted.append(item.locations)
    except web.DownloadError:
        archive.unlink()
        raise
    item.covers_through = main_member_end(main.rsplit("/", 1)[-1])


def _clean_up(item: Planned) -> None:
    for path in item.extracted:
        path.unlink(missing_ok=True)
    if item.extracted:
        shutil.rmtree(item.extracted[0].parent, ignore_errors=True)
    if item.path is not None:
        item.path.unlink(missing_ok=True)


# Importing and recording ------------------------------------------------------------------


def _import_all(
    planned: list[Planned], medicare: MedicareSteps, progress: ProgressCallback | None, say: Say, notes: list[str]
) -> list[DataRelease]:
    imported: list[DataRelease] = []
    nppes_through: dt.date | None = None
    indicator_years: set[int] = set()
    directory_changed = False
    for item in planned:
        if item.kind == FileKind.NPPES_WEEKLY and nppes_through and item.released_on <= nppes_through:
            notes.append(f"NPPES: {item.candidate.file_name} ends before the full file does; passed over.")
            say(notes[-1])
            continue
        say(f"Importing {item.label} ...")
        try:
            rows_read, counts = _import_one(item, medicare, progress)
        except (WrongFileError, ExtraMissingError) as error:
            raise SyncError(f"{item.candidate.file_name}: {error}") from None
        release = _record(item, rows_read, counts)
        imported.append(release)
        say(f"Imported {release.label}: {rows_read:,} rows read.")
        if item.kind in (FileKind.NPPES_FULL, FileKind.NPPES_WEEKLY):
            nppes_through = item.covers_through or nppes_through
        if item.kind == FileKind.MEDICARE:
            if item.candidate.claims_year is None:
                raise ValueError("item.candidate.claims_year is missing")
            indicator_years.add(item.candidate.claims_year)
        else:
            directory_changed = True
    if directory_changed:
        # Indicators link clinicians to clinics through the directory and rosters.
        indicator_years |= medicare.claims_years()
    for claims_year in sorted(indicator_years):
        say(f"Computing the billing indicators of {claims_year} ...")
        indicators = medicare.compute_indicators(year=claims_year, progress=progress)
        say(
            f"Billing indicators of {claims_year}: {indicators.clinicians:,} clinicians, {indicators.clinics:,} clinics."
        )
    return imported


def _import_one(
    item: Planned, medicare: MedicareSteps, progress: ProgressCallback | None
) -> tuple[int, dict[str, Any]]:
    from caretime.datasets.runs import import_doctors_clinicians, import_nppes

    if item.path is None:
        raise ValueError("item.path is missing")
    if item.kind in (FileKind.NPPES_FULL, FileKind.NPPES_WEEKLY):
        if item.main is None:
            raise ValueError("item.main is missing")
        result = import_nppes(
            main_path=item.main,
            locations_path=item.locations,
            incremental=item.kind == FileKind.NPPES_WEEKLY,
            progress=progress,
        )
        counts = {"main": _counts(result.main)}
        if result.locations is not None:
            counts["locations"] = _counts(result.locations)
        return result.main.read, counts
    if item.kind == FileKind.DOCTORS_CLINICIANS:
        summary = import_doctors_clinicians(path=item.path, progress=progress)
        return summary.read, _counts(summary)
    if item.candidate.claims_year is None:
        raise ValueError("item.candidate.claims_year is missing")
    claims = medicare.import_file(
        path=item.path, year=item.candidate.claims_year, replace_year=item.replace_year, progress=progress
    )
    return claims.read, {
        "imported": claims.imported,
        "updated": claims.updated,
        "removed": claims.removed,
        "skipped": dict(claims.skipped),
    }


def _counts(summary: Any) -> dict[str, Any]:
    return {
        "read": summary.read,
        "created": dict(summary.created),
        "updated": dict(summary.updated),
        "deactivated": dict(summary.deactivated),
        "skipped": dict(summary.skipped),
    }


_KIND = {
    FileKind.NPPES_FULL: ReleaseKind.NPPES_FULL,
    FileKind.NPPES_WEEKLY: ReleaseKind.NPPES_WEEKLY,
    FileKind.DOCTORS_CLINICIANS: ReleaseKind.DOCTORS_CLINICIANS,
    FileKind.MEDICARE: ReleaseKind.MEDICARE,
}


def _unsaved_release(item: Planned) -> DataRelease:
    return DataRelease(
        kind=_KIND[item.kind],
        release_key=item.release_key,
        file_name=item.candidate.file_name,
        source_url=item.candidate.url,
        released_on=item.released_on,
        covers_through=item.covers_through,
        claims_year=item.candidate.claims_year,
        size_bytes=item.size,
        sha256=item.sha256,
    )


def _record(item: Planned, rows_read: int, counts: dict[str, Any]) -> DataRelease:
    release = _unsaved_release(item)
    release.rows_read = rows_read
    release.row_counts = counts
    release.imported_at = timezone.now()
    release.save()
    return release
