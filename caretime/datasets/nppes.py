"""Reading the NPPES main file and its practice-location side file.

The engine (Polars) streams the CSV with every field read as text, keeps only rows with a
therapy taxonomy in any of the 15 slots (or a deactivation date, since NPPES blanks the
taxonomy of a deactivated NPI), and hands over batches of a fixed size, so memory stays
bounded whatever the file's size. Each row is then checked here, with its line number, and
the writes happen in ``services``.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from caretime.core.addresses import zip5
from caretime.core.disciplines import (
    _PREFIX_DISCIPLINES,
    TAXONOMY_DISCIPLINES,
    Discipline,
    disciplines_for_taxonomy,
)
from caretime.core.npi import npi_problem
from caretime.core.places import US_STATES, zip_city_state, zip_point
from caretime.datasets.engine import ROW_INDEX, stream_csv
from caretime.datasets.formats import (
    NPPES_FIELDS,
    NPPES_LOCATION_FIELDS,
    TAXONOMY_SLOTS,
    Field,
    locate_columns,
    read_header,
)

# A file holds a few hundred distinct codes; each is classified once.
_disciplines_of = functools.cache(disciplines_for_taxonomy)
_DISCIPLINE_ORDER = {discipline: position for position, discipline in enumerate(Discipline)}
HEADER_LINES = 1
DEFAULT_BATCH_ROWS = 20_000  # kept rows per batch and transaction: fewer commits, still a few MB


# Rows are plain named tuples: a few million of them are made per import.
class Location(NamedTuple):
    line1: str
    line2: str
    city: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    phone: str


class NppesProvider(NamedTuple):
    """A checked therapy row of the main file."""

    line: int
    npi: str
    is_organization: bool
    legal_name: str  # organisation legal name, or an individual's last name
    doing_business_as: str
    first_name: str
    credential: str
    disciplines: frozenset[Discipline]
    primary_discipline: Discipline
    location: Location | None  # always set for organisations


class NppesDeactivation(NamedTuple):
    line: int
    npi: str


class PassedOver(NamedTuple):
    """A row the filter let through that is not for the directory (not an error)."""

    line: int
    reason: str


class BadLine(NamedTuple):
    line: int
    reason: str  # the kind of problem, counted in the summary
    detail: str = ""  # what exactly, shown next to the line number


NppesRow = NppesProvider | NppesDeactivation | PassedOver | BadLine


class NppesFields(NamedTuple):
    """The main file's fields as the engine hands them over, in this order."""

    row_index: int
    npi: str | None
    entity_type: str | None
    organization_name: str | None
    last_name: str | None
    first_name: str | None
    credential: str | None
    other_organization_name: str | None
    other_organization_name_type: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    phone: str | None
    deactivation_date: str | None
    reactivation_date: str | None
    last_update_date: str | None
    taxonomies: str | None  # "CODE:SWITCH|CODE:SWITCH", the filled slots only


class SecondaryLocation(NamedTuple):
    line: int
    npi: str
    location: Location


def _text(value: str | None) -> str:
    return value.strip() if value else ""


def _date(value: str) -> dt.date | None:
    """NPPES dates are MM/DD/YYYY; ValueError when the text is not one."""
    if not value:
        return None
    if len(value) != 10 or value[2] != "/" or value[5] != "/":
        raise ValueError(value)
    return dt.date(int(value[6:]), int(value[:2]), int(value[3:5]))


def _columns(path: Path, fields: tuple[Field, ...], file_kind: str) -> dict[str, str]:
    return locate_columns(read_header(path), fields, file_kind=file_kind)


def _therapy_or_deactivated(pl: Any, columns: dict[str, str]) -> Any:
    """True for rows with a therapy taxonomy in any slot, or with a deactivation date."""
    exact = sorted(TAXONOMY_DISCIPLINES)
    prefixes = sorted(prefix for prefix, _ in _PREFIX_DISCIPLINES)
    conditions = []
    for slot in range(1, TAXONOMY_SLOTS + 1):
        code = pl.col(columns[f"taxonomy_{slot}"])
        conditions.append(code.is_in(exact) | (code.str.slice(0, 4).is_in(prefixes) & (code.str.len_bytes() == 10)))
    # A quoted empty field ("") reads as an empty string, not as null.
    conditions.append(pl.col(columns["deactivation_date"]).str.len_bytes() > 0)
    return pl.any_horizontal(conditions)


def _provider_outputs(pl: Any, columns: dict[str, str]) -> list[Any]:
    """The fields parse_nppes_row reads; the 15 taxonomy slots are folded by the engine into
    one "CODE:SWITCH|CODE:SWITCH" text, so Python only sees the filled slots."""
    slots = []
    for slot in range(1, TAXONOMY_SLOTS + 1):
        code, switch = pl.col(columns[f"taxonomy_{slot}"]), pl.col(columns[f"primary_{slot}"])
        slots.append(pl.when(code.str.len_bytes() > 0).then(pl.concat_str([code, switch.fill_null("")], separator=":")))
    plain = [
        pl.col(actual).alias(name) for name, actual in columns.items() if not name.startswith(("taxonomy_", "primary_"))
    ]
    return [*plain, pl.concat_str(slots, separator="|", ignore_nulls=True).alias("taxonomies")]


def nppes_columns(path: Path) -> dict[str, str]:
    """Check the header of a main file; WrongFileError lists every missing column."""
    return _columns(path, NPPES_FIELDS, "an NPPES main file (npidata_pfile)")


def read_nppes(path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[NppesRow]]:
    """Batches of checked rows of an NPPES main file: therapy providers, deactivations, and
    rows that cannot be used, each with its line number."""
    columns = nppes_columns(path)
    # The ZIP centroids (under a second to load) load while the engine reads the first batch.
    centroids = threading.Thread(target=zip_point, args=("00000",), name="zip-centroids", daemon=True)
    centroids.start()
    for batch in stream_csv(
        path, columns, batch_rows, keep=_therapy_or_deactivated, outputs=_provider_outputs, row_type=NppesFields
    ):
        centroids.join()
        yield [parse_nppes_row(row) for row in batch]


def scan_nppes(path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS) -> int:
    """The engine's own pass over the file with the importer's filter, handing over the same
    columns, and no checks or writes: the baseline the import is measured against. Returns
    the rows kept."""
    columns = nppes_columns(path)
    return sum(len(batch) for batch in stream_csv(path, columns, batch_rows, keep=_therapy_or_deactivated))


def _location(
    *, postal: str, line1: str, line2: str | None, city: str | None, state: str | None, phone: str | None
) -> Location | str:
    """A geocoded practice location, or the reason there is none."""
    zip_code = zip5(postal)
    if not zip_code:
        return f"practice location postal code is not a 5- or 9-digit ZIP code: {postal!r}"
    point = zip_point(zip_code)
    if point is None:
        return f"practice location ZIP code is not a known US ZIP code: {zip_code}"
    if not line1:
        return "practice location has no street address"
    city_name, state_code = _text(city).upper(), _text(state).upper()
    if not city_name or state_code not in US_STATES:
        known = zip_city_state(zip_code)
        if known:
            city_name, state_code = city_name or known[0].upper(), known[1]
    return Location(line1, _text(line2), city_name, state_code, zip_code, point.latitude, point.longitude, _text(phone))


def _bad(line: int, message: str) -> BadLine:
    """A BadLine from "kind of problem: the value", so the summary counts the kind."""
    reason, _, detail = message.partition(": ")
    return BadLine(line, reason, detail)


def _is_deactivated(values: NppesFields) -> bool:
    """Deactivated unless reactivated on or after the deactivation date. ValueError on a bad date."""
    deactivated_on = _date(_text(values.deactivation_date))
    if deactivated_on is None:
        return False
    reactivated_on = _date(_text(values.reactivation_date))
    return reactivated_on is None or reactivated_on < deactivated_on


def parse_nppes_row(values: NppesFields) -> NppesRow:
    line = values.row_index + HEADER_LINES + 1
    npi = _text(values.npi)
    problem = npi_problem(npi)
    if problem:
        return BadLine(line, "invalid NPI", f"{npi!r}: {problem}")
    try:
        deactivated = _is_deactivated(values)
    except ValueError:
        return BadLine(line, "NPI Deactivation or Reactivation Date is not a date like 01/31/2024")
    if deactivated:
        return NppesDeactivation(line, npi)

    first: frozenset[Discipline] = frozenset()
    disciplines: frozenset[Discipline] = frozenset()
    primary: Discipline | None = None
    for slot in (values.taxonomies or "").split("|"):
        code, _, switch = slot.partition(":")
        found = _disciplines_of(code)
        if found:
            first = first or found
            disciplines |= found
            if primary is None and len(found) == 1 and switch.strip().upper() == "Y":
                primary = next(iter(found))
    if not disciplines:
        # A reactivated NPI passes the filter by its old deactivation date.
        return PassedOver(line, "reactivated NPI without a therapy taxonomy")
    if primary is None:
        primary = min(first, key=_DISCIPLINE_ORDER.__getitem__)

    entity_type = _text(values.entity_type)
    line1 = _text(values.address_line1)
    if entity_type == "2":
        legal_name = _text(values.organization_name)
        if not legal_name:
            return BadLine(line, "organisation has no legal business name")
        location = _location(
            postal=_text(values.postal_code),
            line1=line1,
            line2=values.address_line2,
            city=values.city,
            state=values.state,
            phone=values.phone,
        )
        if isinstance(location, str):
            return _bad(line, location)
        other = _text(values.other_organization_name)
        doing_business_as = other if other and _text(values.other_organization_name_type) == "3" else ""
        return NppesProvider(
            line=line,
            npi=npi,
            is_organization=True,
            legal_name=legal_name,
            doing_business_as=doing_business_as,
            first_name="",
            credential="",
            disciplines=disciplines,
            primary_discipline=primary,
            location=location,
        )
    if entity_type == "1":
        last_name = _text(values.last_name)
        if not last_name:
            return BadLine(line, "individual has no last name")
        return NppesProvider(
            line=line,
            npi=npi,
            is_organization=False,
            legal_name=last_name,
            doing_business_as="",
            first_name=_text(values.first_name),
            credential=_text(values.credential),
            disciplines=disciplines,
            primary_discipline=primary,
            location=None,
        )
    return BadLine(line, "Entity Type Code is not 1 (individual) or 2 (organisation)", f"it is {entity_type!r}")


def location_columns(path: Path) -> dict[str, str]:
    return _columns(path, NPPES_LOCATION_FIELDS, "an NPPES practice-location file (pl_pfile)")


@dataclass(frozen=True)
class LocationRow:
    """A side-file row as read; checked only when its NPI is an organisation in the directory."""

    line: int
    npi: str
    values: dict[str, Any]

    def checked(self) -> SecondaryLocation | BadLine:
        problem = npi_problem(self.npi)
        if problem:
            return BadLine(self.line, "invalid NPI", f"{self.npi!r}: {problem}")
        values = self.values
        location = _location(
            postal=_text(values.get("postal_code")),
            line1=_text(values.get("address_line1")),
            line2=values.get("address_line2"),
            city=values.get("city"),
            state=values.get("state"),
            phone=values.get("phone"),
        )
        if isinstance(location, str):
            return _bad(self.line, location)
        return SecondaryLocation(self.line, self.npi, location)


def read_location_rows(path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[LocationRow]]:
    columns = location_columns(path)
    for batch in stream_csv(path, columns, batch_rows):
        yield [
            LocationRow(int(values[ROW_INDEX]) + HEADER_LINES + 1, _text(values.get("npi")), values) for values in batch
        ]
