"""The publishers' file names, and how the newest release is found on a download page.

A publisher's download location (or a mirror) is a page of links: the NPPES files page
(HTML), the Doctors and Clinicians data set's metadata (JSON, ``downloadURL``), the CMS
data catalogue (JSON), or a plain directory listing. Every link on it whose file name has
one of the real names below is a release; nothing else on the page is read.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit


class FileKind(enum.StrEnum):
    NPPES_FULL = "nppes-full"
    NPPES_WEEKLY = "nppes-weekly"
    DOCTORS_CLINICIANS = "doctors-clinicians"
    MEDICARE = "medicare"


MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}

# NPPES_Data_Dissemination_November_2026.zip (since 2025 also ..._V2.zip)
NPPES_FULL_NAME = re.compile(r"^NPPES_Data_Dissemination_([A-Za-z]+)_(\d{4})(?:_V\d+)?\.zip$", re.IGNORECASE)
# NPPES_Data_Dissemination_111026_111626_Weekly.zip: MMDDYY of the first and last day
NPPES_WEEKLY_NAME = re.compile(r"^NPPES_Data_Dissemination_(\d{6})_(\d{6})_Weekly(?:_V\d+)?\.zip$", re.IGNORECASE)
DOCTORS_CLINICIANS_NAME = re.compile(r"^DAC_NationalDownloadableFile\.csv$", re.IGNORECASE)
# MUP_PHY_R24_P05_V10_D22_Prov_Svc.csv: released 2024, claims of 2022, version 10
MEDICARE_NAME = re.compile(r"^MUP_PHY_R(\d{2})_P(\d{2})_V(\d+)_D(\d{2})_Prov_Svc\.csv$", re.IGNORECASE)
# Inside the NPPES archives: npidata_pfile_20050523-20261109.csv (not the ..._fileheader.csv copy)
NPPES_MAIN_MEMBER = re.compile(r"^npidata_pfile_(\d{8})-(\d{8})\.csv$", re.IGNORECASE)
NPPES_LOCATIONS_MEMBER = re.compile(r"^pl_pfile_(\d{8})-(\d{8})\.csv$", re.IGNORECASE)
# A mirror may publish checksums as "HEX  FILE NAME" lines (the sha256sum format).
CHECKSUM_FILE = "SHA256SUMS"

_LINK = re.compile(r"""href\s*=\s*["']([^"'<>]+)["']|"downloadURL"\s*:\s*"([^"]+)\"""", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A release offered at a download location."""

    kind: FileKind
    url: str
    file_name: str
    released_on: dt.date  # NPPES full: the 1st of the named month; weekly: its last day
    starts_on: dt.date | None = None  # NPPES weekly: its first day
    claims_year: int | None = None
    version: tuple[int, int, int] = (0, 0, 0)  # Medicare: release year, part, version

    @property
    def is_archive(self) -> bool:
        return self.kind in (FileKind.NPPES_FULL, FileKind.NPPES_WEEKLY)


def _mmddyy(text: str) -> dt.date:
    return dt.date(2000 + int(text[4:]), int(text[:2]), int(text[2:4]))


def candidate_for(url: str) -> Candidate | None:
    """The release a link points at, or None when its file name is none of ours."""
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    try:
        if match := NPPES_FULL_NAME.match(name):
            month = MONTHS.get(match.group(1).lower())
            if month is None:
                return None
            return Candidate(FileKind.NPPES_FULL, url, name, dt.date(int(match.group(2)), month, 1))
        if match := NPPES_WEEKLY_NAME.match(name):
            starts_on, ends_on = _mmddyy(match.group(1)), _mmddyy(match.group(2))
            return Candidate(FileKind.NPPES_WEEKLY, url, name, ends_on, starts_on=starts_on)
        if DOCTORS_CLINICIANS_NAME.match(name):
            # The name never changes: the date comes from the server (Last-Modified) later.
            return Candidate(FileKind.DOCTORS_CLINICIANS, url, name, dt.date.min)
        if match := MEDICARE_NAME.match(name):
            released, part, version, claims = (int(group) for group in match.groups())
            return Candidate(
                FileKind.MEDICARE,
                url,
                name,
                dt.date(2000 + released, 1, 1),
                claims_year=2000 + claims,
                version=(released, part, version),
            )
    except ValueError:  # a date that does not exist, e.g. 023026
        return None
    return None


def links(page: str, page_url: str) -> list[str]:
    """Every link of an HTML page or a JSON document, made absolute."""
    found = []
    for match in _LINK.finditer(page):
        link = (match.group(1) or match.group(2)).replace("\\/", "/").replace("&amp;", "&")
        found.append(urljoin(page_url, link))
    return found


def candidates(page: str, page_url: str) -> list[Candidate]:
    seen: dict[str, Candidate] = {}
    for url in links(page, page_url):
        candidate = candidate_for(url)
        if candidate is not None:
            seen.setdefault(candidate.file_name, candidate)
    return list(seen.values())


def checksum_url(page: str, page_url: str) -> str | None:
    return next((url for url in links(page, page_url) if urlsplit(url).path.endswith("/" + CHECKSUM_FILE)), None)


def parse_checksums(text: str) -> dict[str, str]:
    """File name -> lower-case SHA-256 from sha256sum output ("HEX  NAME" or "HEX *NAME")."""
    sums = {}
    for line in text.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and re.fullmatch(r"[0-9a-fA-F]{64}", parts[0]):
            sums[parts[1].lstrip("*").strip()] = parts[0].lower()
    return sums


def newest_full(found: list[Candidate]) -> Candidate | None:
    fulls = [c for c in found if c.kind == FileKind.NPPES_FULL]
    # A V2 file and its older twin name the same month: prefer the V2 (the current format).
    return max(fulls, key=lambda c: (c.released_on, "_v" in c.file_name.lower()), default=None)


def weeklies_after(found: list[Candidate], day: dt.date) -> list[Candidate]:
    """NPPES weekly updates that end after ``day``, oldest first (each builds on the last)."""
    weeklies = [c for c in found if c.kind == FileKind.NPPES_WEEKLY and c.released_on > day]
    by_end: dict[dt.date, Candidate] = {}
    for weekly in sorted(weeklies, key=lambda c: (c.released_on, "_v" in c.file_name.lower())):
        by_end[weekly.released_on] = weekly
    return [by_end[day] for day in sorted(by_end)]


def without_gap(weeklies: list[Candidate], day: dt.date) -> tuple[list[Candidate], dt.date | None]:
    """The weekly updates (oldest first) that follow on from ``day`` with no day missing, and
    the first missing day when one is: an update applied over a gap would leave the
    directory without the changes of the missing week, unnoticed."""
    following: list[Candidate] = []
    expected = day + dt.timedelta(days=1)
    for weekly in weeklies:
        if weekly.starts_on is not None and weekly.starts_on > expected:
            return following, expected
        following.append(weekly)
        expected = weekly.released_on + dt.timedelta(days=1)
    return following, None


def newest_medicare(found: list[Candidate], year: int | None) -> Candidate | None:
    """The newest file of the claims year asked for, or of the newest claims year."""
    files = [c for c in found if c.kind == FileKind.MEDICARE and (year is None or c.claims_year == year)]
    return max(files, key=lambda c: (c.claims_year or 0, c.version), default=None)


def main_member_end(name: str) -> dt.date | None:
    """The last day an NPPES main file covers, from its name (npidata_pfile_START-END.csv)."""
    match = NPPES_MAIN_MEMBER.match(name)
    if not match:
        return None
    end = match.group(2)
    try:
        return dt.date(int(end[:4]), int(end[4:6]), int(end[6:]))
    except ValueError:  # a name with an impossible date is no main file we know
        return None
