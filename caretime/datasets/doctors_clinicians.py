"""Reading the CMS Doctors and Clinicians national file: which therapist works for which
group practice at which address.

One row per clinician per group per address, in any of three header styles (CSV download,
data API, older vintages). The engine keeps only rows whose primary specialty is a
therapist's; each kept row is checked here with its line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caretime.core.addresses import address_key, zip5
from caretime.core.disciplines import Discipline
from caretime.core.npi import npi_problem
from caretime.core.places import US_STATES, zip_city_state, zip_point
from caretime.datasets.engine import ROW_INDEX, stream_csv
from caretime.datasets.formats import DOCTORS_CLINICIANS_FIELDS, locate_columns, read_header
from caretime.datasets.nppes import DEFAULT_BATCH_ROWS, HEADER_LINES, BadLine, Location

# Primary specialties of the therapists the directory lists (Medicare's wording).
THERAPIST_SPECIALTIES: dict[str, Discipline] = {
    "PHYSICAL THERAPIST IN PRIVATE PRACTICE": Discipline.PHYSICAL_THERAPY,
    "OCCUPATIONAL THERAPIST IN PRIVATE PRACTICE": Discipline.OCCUPATIONAL_THERAPY,
    "QUALIFIED SPEECH LANGUAGE PATHOLOGIST": Discipline.SPEECH_LANGUAGE_PATHOLOGY,
}


@dataclass(frozen=True)
class RosterEntry:
    """A checked row: a therapist at an address, for a group practice or on their own."""

    line: int
    npi: str
    last_name: str
    first_name: str
    credential: str
    discipline: Discipline
    group_pac_id: str  # empty for a therapist billing on their own
    facility_name: str
    location: Location

    @property
    def address_key(self) -> str:
        return address_key(self.location.line1, self.location.zip_code)

    @property
    def dedupe_key(self) -> tuple[str, str, str]:
        return (self.npi, self.group_pac_id, self.address_key)


def doctors_clinicians_columns(path: Path) -> dict[str, str]:
    return locate_columns(
        read_header(path), DOCTORS_CLINICIANS_FIELDS, file_kind="a CMS Doctors and Clinicians national file"
    )


def _therapists(pl: Any, columns: dict[str, str]) -> Any:
    return pl.col(columns["primary_specialty"]).str.strip_chars().str.to_uppercase().is_in(list(THERAPIST_SPECIALTIES))


def read_doctors_clinicians(
    path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[list[RosterEntry | BadLine]]:
    columns = doctors_clinicians_columns(path)
    for batch in stream_csv(path, columns, batch_rows, keep=_therapists):
        yield [parse_roster_row(values) for values in batch]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_roster_row(values: dict[str, Any]) -> RosterEntry | BadLine:
    line = int(values[ROW_INDEX]) + HEADER_LINES + 1
    npi = _text(values.get("npi"))
    problem = npi_problem(npi)
    if problem:
        return BadLine(line, "invalid NPI", f"{npi!r}: {problem}")
    last_name = _text(values.get("last_name"))
    if not last_name:
        return BadLine(line, "clinician has no last name")
    raw_zip = _text(values.get("zip_code"))
    zip_code = zip5(raw_zip)
    point = zip_point(zip_code) if zip_code else None
    if point is None:
        return BadLine(line, "ZIP code is not a known US ZIP code", repr(raw_zip))
    line1 = _text(values.get("address_line1"))
    if not line1:
        return BadLine(line, "no street address")
    city, state = _text(values.get("city")).upper(), _text(values.get("state")).upper()
    if not city or state not in US_STATES:
        known = zip_city_state(zip_code)
        if known:
            city, state = city or known[0].upper(), known[1]
    group_pac_id = _text(values.get("group_pac_id"))
    return RosterEntry(
        line=line,
        npi=npi,
        last_name=last_name,
        first_name=_text(values.get("first_name")),
        credential=_text(values.get("credential")),
        discipline=THERAPIST_SPECIALTIES[_text(values.get("primary_specialty")).upper()],
        group_pac_id=group_pac_id,
        facility_name=_text(values.get("facility_name")),
        location=Location(
            line1=line1,
            line2=_text(values.get("address_line2")),
            city=city,
            state=state,
            zip_code=zip_code,
            latitude=point.latitude,
            longitude=point.longitude,
            phone=_text(values.get("phone")),
        ),
    )
