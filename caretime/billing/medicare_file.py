"""Reading the Medicare "Physician & Other Practitioners - by Provider and Service" file.

Columns are mapped by header name (any order, extra columns ignored, any letter case), in
either the current style (``Rndrng_NPI``, ``HCPCS_Cd``, ``Tot_Srvcs`` ...) or the style of
files before 2019 (``npi``, ``hcpcs_code``, ``line_srvc_cnt`` ...), separated by commas or (some
legacy files) tabs, told apart by the header line. The file is streamed with Polars in
fixed-size batches, every field read as text; only therapist provider types are passed on.
Nothing here touches the database.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caretime.core.billing import provider_type_aliases, therapist_provider_type
from caretime.core.npi import npi_problem
from caretime.extras import import_extra

BATCH_ROWS = 50_000
ROW_INDEX = "__row"


class HeaderStyle(enum.StrEnum):
    CURRENT = "current"  # 2019 and later releases
    LEGACY = "legacy"  # data years before 2019


# field -> header, per style. Fields named in REQUIRED_FIELDS must be present.
HEADERS: dict[HeaderStyle, dict[str, str]] = {
    HeaderStyle.CURRENT: {
        "npi": "Rndrng_NPI",
        "provider_type": "Rndrng_Prvdr_Type",
        "hcpcs_code": "HCPCS_Cd",
        "beneficiaries": "Tot_Benes",
        "services": "Tot_Srvcs",
        "beneficiary_days": "Tot_Bene_Day_Srvcs",
        "place_of_service": "Place_Of_Srvc",
        "state": "Rndrng_Prvdr_State_Abrvtn",
        "zip5": "Rndrng_Prvdr_Zip5",
        "street": "Rndrng_Prvdr_St1",
    },
    HeaderStyle.LEGACY: {
        "npi": "npi",
        "provider_type": "provider_type",
        "hcpcs_code": "hcpcs_code",
        "beneficiaries": "bene_unique_cnt",
        "services": "line_srvc_cnt",
        "beneficiary_days": "bene_day_srvc_cnt",
        "place_of_service": "place_of_service",
        "state": "nppes_provider_state",
        "zip5": "nppes_provider_zip",
        "street": "nppes_provider_street1",
    },
}
REQUIRED_FIELDS = ("npi", "provider_type", "hcpcs_code", "beneficiaries", "services", "beneficiary_days")


class WrongFile(ValueError):
    """The file as a whole cannot be read as this kind of file; the message says why."""


@dataclass(frozen=True)
class FileLayout:
    style: HeaderStyle
    columns: dict[str, str]  # field -> the header exactly as written in this file


# Legacy files (data years before 2019, the .txt downloads) separate columns with tabs.
DELIMITERS = {",": "comma", "\t": "tab"}
# Recognised only to refuse them by name; "lacks the required columns" would mislead.
_OTHER_DELIMITERS = {";": "semicolon", "|": "pipe", ":": "colon", "^": "caret", "~": "tilde"}
_KNOWN_HEADERS = frozenset(header.lower() for headers in HEADERS.values() for header in headers.values())


def _header_line(path: Path) -> str:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return handle.readline()
    except FileNotFoundError:
        raise WrongFile(f"There is no file at {path}.") from None
    except UnicodeDecodeError:
        raise WrongFile(f"{path} is not a UTF-8 text file; is it still compressed?") from None


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _known_columns(line: str, delimiter: str) -> int:
    return sum(1 for name in _split(line, delimiter) if name.strip().lower() in _KNOWN_HEADERS)


def file_delimiter(path: Path) -> str:
    """The file's column delimiter, comma or tab: the one that splits the header into the most
    known column names (comma on a tie, and for a file of another kind). A file separated by
    anything else is refused with the character it uses."""
    line = _header_line(path)
    known = {delimiter: _known_columns(line, delimiter) for delimiter in (*DELIMITERS, *_OTHER_DELIMITERS)}
    best = max(DELIMITERS, key=lambda delimiter: known[delimiter])
    other = max(_OTHER_DELIMITERS, key=lambda delimiter: known[delimiter])
    if known[other] > known[best]:
        raise WrongFile(
            f'The columns of {path.name} are separated by "{other}" ({_OTHER_DELIMITERS[other]}): only comma- or '
            "tab-separated files are read. Save it again as CSV (commas) or as tab-separated text."
        )
    return best


def read_header(path: Path) -> list[str]:
    """The column names of the first line, split at the file's delimiter (see file_delimiter)."""
    line = _header_line(path)
    return _split(line, file_delimiter(path)) if line else []


def detect_layout(header: list[str]) -> FileLayout:
    """Which header style the file uses, and where each field is; WrongFile lists what is missing."""
    written = {name.strip().lower(): name for name in header}
    best: tuple[int, HeaderStyle] | None = None
    for style, headers in HEADERS.items():
        present = sum(1 for f in REQUIRED_FIELDS if headers[f].lower() in written)
        if best is None or present > best[0]:
            best = (present, style)
    if best is None:
        raise ValueError("best is missing")
    style = best[1]
    headers = HEADERS[style]
    missing = [headers[f] for f in REQUIRED_FIELDS if headers[f].lower() not in written]
    if missing:
        message = (
            "This is not a Medicare 'by Provider and Service' file, or it lacks required columns. "
            f"Missing ({style.value} column names): {', '.join(missing)}."
        )
        if best[0] <= 1:  # neither style is recognisable: name both, the current one first
            current = HEADERS[HeaderStyle.CURRENT]
            legacy = HEADERS[HeaderStyle.LEGACY]
            message = (
                "This is not a Medicare 'by Provider and Service' file: it lacks the required columns "
                f"{', '.join(current[f] for f in REQUIRED_FIELDS if current[f].lower() not in written)} "
                f"(files before 2019: {', '.join(legacy[f] for f in REQUIRED_FIELDS if legacy[f].lower() not in written)})."
            )
        raise WrongFile(message)
    columns = {f: written[h.lower()] for f, h in headers.items() if h.lower() in written}
    return FileLayout(style=style, columns=columns)


_YEAR_PATTERNS = (re.compile(r"_D(\d{2})_", re.IGNORECASE), re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)"))


def year_from_filename(path: Path) -> int | None:
    """The data year from a CMS file name (``..._D22_Prov_Svc.csv``) or any 20xx in it."""
    name = path.name
    match = _YEAR_PATTERNS[0].search(name)
    if match:
        return 2000 + int(match.group(1))
    match = _YEAR_PATTERNS[1].search(name)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class MedicareRow:
    """One therapist row, validated."""

    row_number: int
    npi: str
    provider_type: str
    hcpcs_code: str
    place_of_service: str
    beneficiaries: int
    services: float
    beneficiary_days: float
    state: str
    zip5: str
    street: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.npi, self.hcpcs_code, self.place_of_service)


@dataclass(frozen=True, slots=True)
class BadRow:
    row_number: int
    reason: str


@dataclass
class Batch:
    rows: list[MedicareRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    other_provider_types: int = 0  # rows of non-therapists in the stretch of file this batch covers
    last_row_number: int = 0


def count_rows(path: Path) -> int:
    """Data rows in the file, for the progress total: its line count less the header.

    Read in 16 MB chunks so memory stays flat (a memory-mapped CSV scan would bring the whole
    file into resident memory). A quoted field with a line break makes this a slight
    overcount, which only affects the progress bar; the summary counts the rows actually read.
    """
    lines = 0
    last = b"\n"
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 24), b""):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except FileNotFoundError:
        raise WrongFile(f"There is no file at {path}.") from None
    if last != b"\n":
        lines += 1  # a last line without a line break
    return max(0, lines - 1)


def read_batches(path: Path, layout: FileLayout, *, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """Therapist rows in batches, each validated; memory stays at one batch whatever the file size.

    Row numbers count the header as row 1, like a spreadsheet does.
    """
    pl = import_extra("polars")
    delimiter = file_delimiter(path)
    columns = layout.columns
    therapist_spellings = list(provider_type_aliases())
    scan = pl.scan_csv(
        path,
        separator=delimiter,
        infer_schema=False,
        row_index_name=ROW_INDEX,
        row_index_offset=2,
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
    ).select([pl.col(ROW_INDEX), *[pl.col(header).alias(f) for f, header in columns.items()]])
    normalized_type = pl.col("provider_type").str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")
    is_therapist = normalized_type.is_in(therapist_spellings)
    # Non-therapist rows are counted, not sent to Python: they are 19 in 20 of the file.
    scan = scan.with_columns(is_therapist.fill_null(False).alias("__therapist"))
    previous_last = 1
    try:
        for frame in scan.collect_batches(chunk_size=batch_rows):
            if frame.height == 0:
                continue
            batch = Batch(last_row_number=int(frame[ROW_INDEX].max()))
            therapists = frame.filter(pl.col("__therapist"))
            batch.other_provider_types = frame.height - therapists.height
            for record in therapists.drop("__therapist").iter_rows(named=True):
                parsed = parse_row(record)
                if isinstance(parsed, BadRow):
                    batch.bad.append(parsed)
                else:
                    batch.rows.append(parsed)
            previous_last = batch.last_row_number
            yield batch
    except pl.exceptions.PolarsError as error:
        raise WrongFile(f"{path} stops being readable CSV after row {previous_last}: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


_HCPCS = re.compile(r"^[A-Z0-9]{5}$")
_STATE = re.compile(r"^[A-Z]{2}$")


def _number(text: str | None, name: str) -> float:
    if text is None or not text.strip():
        raise ValueError(f"{name} is empty")
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        raise ValueError(f"{name} is not a number ({text.strip()[:20]!r})") from None
    if value != value or value < 0 or value == float("inf"):
        raise ValueError(f"{name} must be a number of at least 0 ({text.strip()[:20]!r})")
    return value


def parse_row(record: dict[str, Any]) -> MedicareRow | BadRow:
    """Validate one row; a BadRow says what is wrong in words a data person can act on."""
    row_number = int(record[ROW_INDEX])

    def text(name: str) -> str:
        value = record.get(name)
        return value.strip() if isinstance(value, str) else ""

    npi = text("npi")
    problem = npi_problem(npi)
    if problem:
        return BadRow(row_number, f"NPI {npi!r}: {problem}" if npi else "NPI is empty")
    provider_type = therapist_provider_type(text("provider_type")) or text("provider_type")
    code = text("hcpcs_code").upper()
    if not _HCPCS.match(code):
        return BadRow(row_number, f"HCPCS code {code!r} is not 5 letters or digits" if code else "HCPCS code is empty")
    try:
        beneficiaries = _number(record.get("beneficiaries"), "beneficiaries")
        services = _number(record.get("services"), "services")
        days = _number(record.get("beneficiary_days"), "beneficiary-day services")
    except ValueError as error:
        return BadRow(row_number, str(error))
    if beneficiaries != int(beneficiaries):
        return BadRow(row_number, f"beneficiaries must be a whole number ({beneficiaries:g})")
    if days <= 0:
        return BadRow(row_number, "beneficiary-day services is 0: a row needs at least one visit")
    # Each visit bills at least one service and each beneficiary has at least one visit.
    if days > services + 1e-6:
        return BadRow(row_number, f"more beneficiary-days ({days:g}) than services ({services:g})")
    if beneficiaries > days + 1e-6:
        return BadRow(row_number, f"more beneficiaries ({beneficiaries:g}) than beneficiary-days ({days:g})")
    place = text("place_of_service").upper()
    if place not in ("", "F", "O"):
        return BadRow(row_number, f"place of service {place!r} is neither F (facility) nor O (office)")
    state = text("state").upper()
    if state and not _STATE.match(state):
        return BadRow(row_number, f"state {state!r} is not a 2-letter abbreviation")
    zip_digits = "".join(ch for ch in text("zip5") if ch.isdigit())
    return MedicareRow(
        row_number=row_number,
        npi=npi,
        provider_type=provider_type,
        hcpcs_code=code,
        place_of_service=place,
        beneficiaries=int(beneficiaries),
        services=services,
        beneficiary_days=days,
        state=state,
        zip5=zip_digits[:5] if len(zip_digits) >= 5 else "",
        street=" ".join(text("street").split())[:200],
    )
