"""Reading the NPPES main file and its practice-location side file.

The engine (Polars) streams the CSV with every field read as text, keeps only rows with a
therapy taxonomy in any of the 15 slots (or a deactivation date, since NPPES blanks the
taxonomy of a deactivated NPI), and hands over batches of a fixed size, so memory stays
bounded whatever the file's size. The writes happen in ``services``.

Each row is checked by one rule, ``parse_nppes_row``. Applied in Python to the quarter of a
million rows a national file keeps, it cost as much as the engine's whole scan, so the
engine checks the rows it can decide for certain (a valid NPI, well-formed dates, a known
ZIP code, a name, plain text) with the same rule written as column expressions, and hands
every other row, with its line number, to ``parse_nppes_row``: those are the rows with a
problem to report, about 2 % of them. A test checks that both give the same answer for any
row.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from caretime.core.places import US_STATES, all_zip_rows, zip_city_state, zip_point
from caretime.datasets.engine import ROW_INDEX, lazy_csv, stream_csv
from caretime.datasets.formats import (
    NPPES_FIELDS,
    NPPES_LOCATION_FIELDS,
    TAXONOMY_SLOTS,
    Field,
    WrongFileError,
    locate_columns,
    read_header,
)
from caretime.extras import import_extra

# A file holds a few hundred distinct codes; each is classified once.
_disciplines_of = functools.cache(disciplines_for_taxonomy)
_DISCIPLINE_ORDER = {discipline: position for position, discipline in enumerate(Discipline)}
HEADER_LINES = 1
_REACTIVATED_WITHOUT_THERAPY = "reactivated NPI without a therapy taxonomy"
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


def read_nppes(path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[NppesBatch]:
    """Batches of checked rows of an NPPES main file: therapy providers, deactivations, and
    rows that cannot be used, each with its line number."""
    pl = import_extra("polars")
    columns = nppes_columns(path)
    # The ZIP centroids (about a second to load) load while the engine reads the first batch.
    centroids = threading.Thread(target=_zip_frame, name="zip-centroids", daemon=True)
    centroids.start()
    frame = (
        lazy_csv(pl, path)
        .filter(_therapy_or_deactivated(pl, columns))
        .select([pl.col(ROW_INDEX), *(pl.col(actual).alias(name) for name, actual in columns.items())])
    )
    batches = iter(frame.collect_batches(chunk_size=batch_rows))
    while True:
        try:
            batch = next(batches, None)
        except pl.exceptions.PolarsError as error:
            raise WrongFileError(f"{path} could not be read as CSV: {error}") from None
        if batch is None:
            return
        centroids.join()
        yield check_nppes_frame(batch)


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
        return PassedOver(line, _REACTIVATED_WITHOUT_THERAPY)
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


# The engine's side of the checks: parse_nppes_row written as column expressions, for the rows
# whose answer is certain. Disciplines travel as bits, in the order of Discipline (its first is
# the lowest bit, so the lowest bit set is the first discipline, as parse_nppes_row picks it).
DISCIPLINE_BITS: dict[Discipline, int] = {discipline: 1 << position for position, discipline in enumerate(Discipline)}
ORGANIZATION_FRAME_COLUMNS = (
    "line",
    "npi",
    "legal_name",
    "doing_business_as",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "disciplines",  # bits of DISCIPLINE_BITS
)
INDIVIDUAL_FRAME_COLUMNS = ("line", "npi", "first_name", "last_name", "credential", "discipline")
# Python's str.strip() takes these off the ends of a text, the engine's does not (the only
# difference over all of Unicode); a row with one anywhere is left to parse_nppes_row.
_PYTHON_ONLY_SPACE = "[\x1c-\x1f]"
_TAXONOMY_COLUMNS = tuple(f"{kind}_{slot}" for slot in range(1, TAXONOMY_SLOTS + 1) for kind in ("taxonomy", "primary"))
_TEXT_FIELDS = (
    "npi",
    "entity_type",
    "organization_name",
    "last_name",
    "first_name",
    "credential",
    "other_organization_name",
    "other_organization_name_type",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "phone",
    "deactivation_date",
    "reactivation_date",
)


@dataclass
class NppesBatch:
    """One batch of the main file, checked: the rows to write as frames in line order (not
    yet cut to the columns' lengths), the NPIs to deactivate, and what was passed over."""

    read: int
    organizations: Any  # a Polars DataFrame of ORGANIZATION_FRAME_COLUMNS
    individuals: Any  # a Polars DataFrame of INDIVIDUAL_FRAME_COLUMNS
    deactivated: list[str] = field(default_factory=list)
    passed_over: Counter[str] = field(default_factory=Counter)
    bad: list[BadLine] = field(default_factory=list)  # in line order


@functools.cache
def _zip_frame() -> Any:
    """ZIP code -> centroid and the city and state NPPES leaves out, as zip_point and
    zip_city_state give them, for a join."""
    pl = import_extra("polars")
    columns: dict[str, list[Any]] = {"_zip": [], "_latitude": [], "_longitude": [], "_zip_city": [], "_zip_state": []}
    for code in sorted({row["zip_code"] for row in all_zip_rows()}):
        point, place = zip_point(code), zip_city_state(code)
        if point is None or place is None:
            continue
        for name, value in zip(
            columns, (code, point.latitude, point.longitude, place[0].upper(), place[1]), strict=True
        ):
            columns[name].append(value)
    types = (pl.String, pl.Float64, pl.Float64, pl.String, pl.String)
    return pl.DataFrame(columns, schema=dict(zip(columns, types, strict=True)))


def _luhn_ok(pl: Any, npi: Any) -> Any:
    """The NPI check digit of a 10-digit number (see caretime.core.npi)."""
    number = npi.str.to_integer(strict=False)
    digits = [(number // 10 ** (9 - position)) % 10 for position in range(10)]

    def doubled(digit: Any) -> Any:
        return pl.when(digit < 5).then(2 * digit).otherwise(2 * digit - 9)

    total = 24 + sum(doubled(digits[i]) for i in (0, 2, 4, 6, 8)) + sum(digits[i] for i in (1, 3, 5, 7))
    return ((10 - total % 10) % 10) == digits[9]


def _date_checked(pl: Any, text: Any) -> tuple[Any, Any]:
    """(certain, date): certain when empty or a valid MM/DD/YYYY date, which _date reads
    the same way; the date is null when empty."""
    parsed = text.str.strptime(pl.Date, "%m/%d/%Y", strict=False)
    well_formed = text.str.contains(r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$") & ~text.str.ends_with("/0000")
    return (text == "") | (well_formed & parsed.is_not_null()), parsed


def _slot_bits(pl: Any, slot: int) -> Any:
    """disciplines_for_taxonomy of one (ASCII) slot, as bits; 0 for an empty slot."""
    code = pl.col(f"taxonomy_{slot}").str.strip_chars().str.to_uppercase()
    exact = {code: sum(DISCIPLINE_BITS[d] for d in disciplines) for code, disciplines in TAXONOMY_DISCIPLINES.items()}
    prefixes = {prefix: DISCIPLINE_BITS[discipline] for prefix, discipline in _PREFIX_DISCIPLINES}
    by_prefix = pl.when(code.str.len_chars() == 10).then(
        code.str.slice(0, 4).replace_strict(prefixes, default=0, return_dtype=pl.Int64)
    )
    by_code = code.replace_strict(exact, default=None, return_dtype=pl.Int64)
    return pl.coalesce(by_code, by_prefix, pl.lit(0, dtype=pl.Int64)).alias(f"_bits_{slot}")


def _engine_checks(pl: Any) -> list[Any]:
    """Columns the engine adds to a batch: each row's kind ("deactivated", "passed over",
    "organization", "individual", or null when parse_nppes_row must decide) and the values
    written for it."""

    def text(name: str) -> Any:
        return pl.col(name).fill_null("").str.strip_chars()

    npi = text("npi")
    deactivation_ok, deactivated_on = _date_checked(pl, text("deactivation_date"))
    reactivation_ok, reactivated_on = _date_checked(pl, text("reactivation_date"))
    deactivated = deactivated_on.is_not_null() & (reactivated_on.is_null() | (reactivated_on < deactivated_on))
    slots = range(1, TAXONOMY_SLOTS + 1)
    bits = [pl.col(f"_bits_{slot}") for slot in slots]  # see check_nppes_frame
    switches = [pl.col(f"primary_{slot}").fill_null("").str.strip_chars().str.to_uppercase() == "Y" for slot in slots]
    disciplines = functools.reduce(lambda a, b: a | b, bits)
    single = [b.is_in(list(DISCIPLINE_BITS.values())) for b in bits]
    first = pl.coalesce([pl.when(b != 0).then(b) for b in bits])
    lowest_of_first = first & -first
    primary = pl.coalesce(
        [
            *(pl.when(one & switch).then(b) for b, one, switch in zip(bits, single, switches, strict=True)),
            lowest_of_first,
        ]
    )
    taxonomy_text = pl.concat_str(
        [pl.col(f"{kind}_{slot}") for slot in slots for kind in ("taxonomy", "primary")], ignore_nulls=True
    )
    plain = ~(
        pl.concat_str([pl.col(name) for name in _TEXT_FIELDS], ignore_nulls=True).str.contains(_PYTHON_ONLY_SPACE)
        # Codes and switches are compared after upper-casing, cities and states upper-cased:
        # ASCII only, where the engine's upper case is Python's. ":" and "|" would split the
        # folded taxonomy text differently.
        | taxonomy_text.str.contains(r"[^\x00-\x7f]|[:|\x1c-\x1f]")
        | pl.concat_str([pl.col("city"), pl.col("state")], ignore_nulls=True).str.contains(r"[^\x00-\x7f]")
    )
    certain = (
        npi.str.contains(r"^[12][0-9]{9}$") & _luhn_ok(pl, npi) & deactivation_ok & reactivation_ok & plain
    ).fill_null(False)
    entity = text("entity_type")
    city, state = text("city").str.to_uppercase(), text("state").str.to_uppercase()
    other = text("other_organization_name")
    needs_zip_place = (city == "") | ~state.is_in(sorted(US_STATES))
    organization = (
        (entity == "2")
        & (text("organization_name") != "")
        & pl.col("_latitude").is_not_null()
        & (text("address_line1") != "")
    )
    individual = (entity == "1") & (text("last_name") != "")
    kind = (
        pl.when(~certain)
        .then(pl.lit(None, dtype=pl.String))
        .when(deactivated)
        .then(pl.lit("deactivated"))
        .when(disciplines == 0)
        .then(pl.lit("passed over"))
        .when(organization)
        .then(pl.lit("organization"))
        .when(individual)
        .then(pl.lit("individual"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return [
        kind.alias("_kind"),
        (pl.col(ROW_INDEX).cast(pl.Int64) + HEADER_LINES + 1).alias("line"),
        npi.alias("npi"),
        pl.when(entity == "2").then(text("organization_name")).otherwise(text("last_name")).alias("legal_name"),
        pl.when((other != "") & (text("other_organization_name_type") == "3"))
        .then(other)
        .otherwise(pl.lit(""))
        .alias("doing_business_as"),
        text("first_name").alias("first_name"),
        text("last_name").alias("last_name"),
        text("credential").alias("credential"),
        text("address_line1").alias("address_line1"),
        text("address_line2").alias("address_line2"),
        pl.when(city == "").then(pl.col("_zip_city")).otherwise(city).alias("city"),
        pl.when(needs_zip_place).then(pl.col("_zip_state")).otherwise(state).alias("state"),
        pl.col("_zip").alias("zip_code"),
        pl.col("_latitude").alias("latitude"),
        pl.col("_longitude").alias("longitude"),
        text("phone").alias("phone"),
        disciplines.alias("disciplines"),
        primary.alias("_primary"),
    ]


def _rows_frame(pl: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Any:
    schema = {
        name: pl.Int64
        if name in ("line", "disciplines")
        else pl.Float64
        if name in ("latitude", "longitude")
        else pl.String
        for name in columns
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _provider_values(provider: NppesProvider) -> tuple[Any, ...]:
    """A provider parse_nppes_row accepted, as a row of its frame."""
    if not provider.is_organization:
        return (
            provider.line,
            provider.npi,
            provider.first_name,
            provider.legal_name,
            provider.credential,
            provider.primary_discipline.value,
        )
    location = provider.location
    if location is None:
        raise ValueError("location is missing")
    return (
        provider.line,
        provider.npi,
        provider.legal_name,
        provider.doing_business_as,
        location.line1,
        location.line2,
        location.city,
        location.state,
        location.zip_code,
        location.latitude,
        location.longitude,
        location.phone,
        sum(DISCIPLINE_BITS[d] for d in provider.disciplines),
    )


def check_nppes_frame(batch: Any) -> NppesBatch:
    """Check a batch of main-file rows (a Polars DataFrame of ROW_INDEX and the fields of
    NPPES_FIELDS, as text): the engine decides the rows it can, parse_nppes_row the rest."""
    pl = import_extra("polars")
    postal = pl.col("postal_code").fill_null("").str.strip_chars()
    checked = (
        batch.with_columns(pl.when(postal.str.contains(r"^[0-9]{5}")).then(postal.str.slice(0, 5)).alias("_zip5"))
        .join(_zip_frame(), left_on="_zip5", right_on="_zip", how="left", maintain_order="left", coalesce=False)
        .with_columns(_slot_bits(pl, slot) for slot in range(1, TAXONOMY_SLOTS + 1))
        .with_columns(_engine_checks(pl))
    )
    result = NppesBatch(
        read=batch.height,
        organizations=checked.filter(pl.col("_kind") == "organization").select(ORGANIZATION_FRAME_COLUMNS),
        individuals=checked.filter(pl.col("_kind") == "individual").select(
            *INDIVIDUAL_FRAME_COLUMNS[:-1],
            pl.col("_primary")
            .replace_strict({bit: d.value for d, bit in DISCIPLINE_BITS.items()}, return_dtype=pl.String)
            .alias("discipline"),
        ),
        deactivated=checked.filter(pl.col("_kind") == "deactivated").get_column("npi").to_list(),
    )
    passed_over = checked.filter(pl.col("_kind") == "passed over").height
    if passed_over:
        result.passed_over[_REACTIVATED_WITHOUT_THERAPY] += passed_over
    uncertain = batch.filter(checked.get_column("_kind").is_null())
    if uncertain.height:
        _parse_uncertain(pl, uncertain, result)
    return result


def _parse_uncertain(pl: Any, rows: Any, result: NppesBatch) -> None:
    """The rows the engine left to parse_nppes_row, added to the batch in line order."""
    identity = {name: name for name in (*NppesFields._fields[1:-1], *_TAXONOMY_COLUMNS)}
    fields = rows.select([pl.col(ROW_INDEX), *_provider_outputs(pl, identity)])
    organizations: list[tuple[Any, ...]] = []
    individuals: list[tuple[Any, ...]] = []
    for values in fields.iter_rows():
        row = parse_nppes_row(NppesFields._make(values))
        if isinstance(row, BadLine):
            result.bad.append(row)
        elif isinstance(row, PassedOver):
            result.passed_over[row.reason] += 1
        elif isinstance(row, NppesDeactivation):
            result.deactivated.append(row.npi)
        elif row.is_organization:
            organizations.append(_provider_values(row))
        else:
            individuals.append(_provider_values(row))
    if organizations:
        result.organizations = pl.concat(
            [result.organizations, _rows_frame(pl, ORGANIZATION_FRAME_COLUMNS, organizations)]
        ).sort("line")
    if individuals:
        result.individuals = pl.concat(
            [result.individuals, _rows_frame(pl, INDIVIDUAL_FRAME_COLUMNS, individuals)]
        ).sort("line")
