"""The bulk open data release: a Frictionless Data Package of CSV files (Parquet beside them when
polars is installed), with its data dictionary, licence, SHA-256 sums and release date.

Every row comes from ``caretime.opendata.published`` (the pages' own evidence path) or from what
the clinic page shows of billing (``caretime.billing.selectors.clinics_billing``): never an
individual report, never a figure the pages would not show. A release is written into a
hidden folder beside the others and renamed into place once complete, so the /data/ page never
lists a half-written one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from caretime.billing.selectors import clinics_billing
from caretime.core.workplace import WorkplaceFigures
from caretime.directory.models import Clinic
from caretime.extras import ExtraMissingError, import_extra
from caretime.opendata.ids import location_id, organization_id, service_id
from caretime.opendata.published import (
    FIGURES,
    OPEN_DATA_BAR,
    clinics_for_publishing,
    published_clinics,
    published_figures,
)

BATCH = 1000  # clinics read at once: a fixed number of queries each, whatever their reports
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
# Why CC BY 4.0 rather than ODbL (docs/open-data.md says it for readers): health systems, apps
# and 211 services mix a directory into their own databases; ODbL's share-alike would oblige
# them to open those databases, CC BY only to say where the figures come from.
ATTRIBUTION = (
    "caretime (https://github.com/caretime), from patients', callers' and clinicians' reports and public CMS data"
)
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date, yearmonth
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]

    @property
    def csv(self) -> str:
        return f"{self.name}.csv"

    @property
    def parquet(self) -> str:
        return f"{self.name}.parquet"


Row = dict[str, object]

CLINICS = Table(
    "clinics",
    "Clinics",
    "Every practice location of the directory, active or not, with its organisation and roster size.",
    (
        Column("clinic_id", "string", "Stable UUID of the clinic: the id of its FHIR Location and HSDS location."),
        Column("organization_id", "string", "Stable UUID of the organisation that runs the clinic."),
        Column("organization_npi", "string", "The organisation's NPI in the national registry, when it has one."),
        Column("organization_name", "string", "The organisation's name (doing business as, else legal name)."),
        Column("name", "string", "The clinic's name."),
        Column("address_line1", "string", "Street address."),
        Column("address_line2", "string", "Suite or floor."),
        Column("city", "string", "City."),
        Column("state", "string", "Two-letter state code."),
        Column("zip_code", "string", "Five-digit ZIP code."),
        Column("latitude", "number", "Latitude (WGS 84)."),
        Column("longitude", "number", "Longitude (WGS 84)."),
        Column("phone", "string", "Phone number, as listed."),
        Column("therapies", "string", "Therapies offered, separated by ';': pt, ot, slp."),
        Column("roster_size", "integer", "Clinicians the national files list at the clinic."),
        Column("active", "boolean", "false when the national registry no longer lists the clinic."),
        Column("demo", "boolean", "true for a clinic invented for the demo region: never real."),
    ),
    ("clinic_id",),
)

_FIGURE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("verdict", "string", "verdict"),
    ("verdict_reporters", "integer", "verdict-reporters"),
    ("verdict_reports", "integer", "verdict-reports"),
    ("verdict_newest", "yearmonth", "verdict-newest"),
    ("early_signal", "boolean", "verdict-early-signal"),
    ("care_time_typical_minutes", "integer", "care-time-typical-minutes"),
    ("care_time_low_minutes", "integer", "care-time-low-minutes"),
    ("care_time_high_minutes", "integer", "care-time-high-minutes"),
    ("care_time_whole_one_on_one_share", "number", "care-time-whole-one-on-one-share"),
    ("care_time_shared_share", "number", "care-time-shared-share"),
    ("care_time_aide_led_share", "number", "care-time-aide-led-share"),
    ("care_time_reporters", "integer", "care-time-reporters"),
    ("care_time_reports", "integer", "care-time-reports"),
    ("care_time_newest", "yearmonth", "care-time-newest"),
)

THERAPIES = Table(
    "therapies",
    "Verdicts and Care Time",
    f"One row per therapy a clinic offers: its verdict under the default bar "
    f"({OPEN_DATA_BAR.min_one_on_one_minutes} minutes one-on-one every visit) and, only where 3 or more "
    "people reported, its Care Time figures (empty otherwise). The same figures as the clinic page.",
    (
        Column(
            "service_id",
            "string",
            "Stable UUID of the therapy at the clinic: its FHIR HealthcareService and HSDS service.",
        ),
        Column("clinic_id", "string", "The clinic (clinics.csv)."),
        Column("therapy", "string", "pt (physical), ot (occupational) or slp (speech-language pathology)."),
        *(Column(name, kind, FIGURES[figure]) for name, kind, figure in _FIGURE_COLUMNS),
    ),
    ("service_id",),
)

WORKPLACE = Table(
    "workplace",
    "Clinicians' figures",
    "What clinicians reported about their workplace, only as the monthly batch published it: 5 or more "
    "reports about one clinic, therapy and year, each figure a band chosen with differential privacy. "
    "Reports whose NPI is on the clinic's roster and the others are separate rows.",
    (
        Column("clinic_id", "string", "The clinic (clinics.csv)."),
        Column("therapy", "string", "pt, ot or slp."),
        Column("npi_on_roster", "boolean", "true: reports with an NPI on the clinic's roster; false: all others."),
        Column("reports", "integer", "Reports behind the figures (5 or more)."),
        Column("experience_year", "integer", "The year the reports are about."),
        Column("first_published", "date", "When these figures were first published."),
        Column("last_published", "date", "When they were last published."),
        Column("patients_per_hour_typical", "string", "Patients per therapist per hour, typical hour (band)."),
        Column("patients_per_hour_busiest", "string", "Patients per therapist per hour, busiest times (band)."),
        Column("slot_length", "string", "Length of a treatment slot (band)."),
        Column("double_booking", "string", "How often patients are double- or triple-booked (the middle answer)."),
        Column("productivity_quota", "string", "Share of paid time that must be billable (band)."),
        Column("unpaid_documentation", "string", "Unpaid documentation time a day (band)."),
        Column(
            "aides_skilled_care", "string", "Share of reports saying aides give care that should be skilled (band)."
        ),
        Column("would_recommend", "string", "Share of reports that would recommend it to a colleague (band)."),
    ),
    ("clinic_id", "therapy", "npi_on_roster"),
)

BILLING = Table(
    "billing",
    "Billing indicators",
    "What Medicare claims of the clinic's therapists show, latest claims year, as the clinic page shows it "
    "(clinicians with 11 or more Medicare patients only; visits known within bounds).",
    (
        Column("clinic_id", "string", "The clinic (clinics.csv)."),
        Column("therapy", "string", "pt, ot or slp."),
        Column("claims_year", "integer", "The year of the claims."),
        Column("clinicians", "integer", "Clinicians behind the figures."),
        Column("beneficiaries", "integer", "Medicare patients they treated."),
        Column("visits_at_least", "number", "Visits, low end."),
        Column("visits_at_most", "number", "Visits, high end."),
        Column("timed_units_per_visit_at_least", "number", "Timed 15-minute units per visit, low end."),
        Column("timed_units_per_visit_at_most", "number", "Timed 15-minute units per visit, high end."),
        Column(
            "average_minutes_at_least",
            "integer",
            "One-on-one minutes an average visit had at least, if billed correctly.",
        ),
        Column("group_share", "number", "Share of visits with a group session (0 to 1)."),
        Column("visits_per_beneficiary", "number", "Visits per Medicare patient."),
        Column("peer_clinics", "integer", "Other clinics in the state compared with."),
        Column(
            "possibly_suppressed",
            "boolean",
            "true when rows of fewer than 11 patients, absent from the file, may change it.",
        ),
    ),
    ("clinic_id", "therapy"),
)

TABLES = (CLINICS, THERAPIES, WORKPLACE, BILLING)


def _clinic_row(clinic: Clinic, roster_size: int) -> Row:
    org = clinic.organization
    return {
        "clinic_id": location_id(clinic.pk),
        "organization_id": organization_id(org),
        "organization_npi": org.npi or "",
        "organization_name": org.display_name,
        "name": clinic.name,
        "address_line1": clinic.address_line1,
        "address_line2": clinic.address_line2,
        "city": clinic.city,
        "state": clinic.state,
        "zip_code": clinic.zip_code,
        "latitude": clinic.latitude,
        "longitude": clinic.longitude,
        "phone": clinic.phone,
        "therapies": ";".join(clinic.disciplines),
        "roster_size": roster_size,
        "active": clinic.is_active,
        "demo": clinic.is_demo,
    }


def _rows(as_of: date) -> Iterator[tuple[Table, Row]]:
    """Every row of every table, clinic by clinic, read in batches."""
    last = 0
    while True:
        batch = list(clinics_for_publishing().filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        billing = clinics_billing([clinic.pk for clinic in batch])
        for published in published_clinics(batch, as_of=as_of):
            clinic = published.clinic
            key = location_id(clinic.pk)
            yield CLINICS, _clinic_row(clinic, published.roster_size)
            for therapy in published.therapies:
                figures = dict(published_figures(therapy))
                yield (
                    THERAPIES,
                    {
                        "service_id": service_id(clinic.pk, therapy.discipline),
                        "clinic_id": key,
                        "therapy": therapy.discipline,
                        **{name: figures.get(figure, "") for name, _, figure in _FIGURE_COLUMNS},
                    },
                )
                for figures_row in therapy.workplace:
                    yield WORKPLACE, _workplace_row(key, therapy.discipline, figures_row)
            for found in billing.get(clinic.pk, []):
                yield (
                    BILLING,
                    {
                        "clinic_id": key,
                        "therapy": found.discipline,
                        "claims_year": found.year,
                        "clinicians": found.clinicians,
                        "beneficiaries": found.beneficiaries,
                        "visits_at_least": round(found.visits, 1),
                        "visits_at_most": round(found.visits_high, 1),
                        "timed_units_per_visit_at_least": round(found.timed_units_per_visit_low, 2),
                        "timed_units_per_visit_at_most": round(found.timed_units_per_visit, 2),
                        "average_minutes_at_least": found.average_minutes_at_least,
                        "group_share": round(found.group_share, 3),
                        "visits_per_beneficiary": round(found.visits_per_beneficiary, 2),
                        "peer_clinics": found.peer_clinics,
                        "possibly_suppressed": found.possibly_suppressed,
                    },
                )


def _workplace_row(clinic_key: str, discipline: str, figures: WorkplaceFigures) -> Row:
    return {
        "clinic_id": clinic_key,
        "therapy": discipline,
        "npi_on_roster": figures.npi_on_roster,
        "reports": figures.reporters,
        "experience_year": figures.experience_year,
        "first_published": figures.first_published.isoformat(),
        "last_published": figures.last_published.isoformat(),
        "patients_per_hour_typical": figures.typical_band.label,
        "patients_per_hour_busiest": figures.peak_band.label,
        "slot_length": figures.slot_band.label,
        "double_booking": figures.booking.label,
        "productivity_quota": figures.quota_band.label,
        "unpaid_documentation": figures.unpaid_documentation_band.label,
        "aides_skilled_care": figures.aides_band.label,
        "would_recommend": figures.recommend_band.label,
    }


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parquet(folder: Path, table: Table) -> Path | None:
    """The table as Parquet, read back from its CSV with the data dictionary's types; None
    without polars (the ``import`` extra)."""
    try:
        pl = import_extra("polars")
    except ExtraMissingError:
        return None
    types = {
        "string": pl.String,
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
        "yearmonth": pl.String,  # Parquet has no year-month: "2026-11" as written
    }
    frame = pl.read_csv(
        folder / table.csv,
        schema={column.name: types[column.type] for column in table.columns},
        infer_schema=False,
        null_values=[""],
    )
    frame.write_parquet(folder / table.parquet)
    return folder / table.parquet


def _resource(table: Table, path: Path) -> dict[str, object]:
    return {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256(path)}",
        "schema": {
            "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in table.columns],
            "primaryKey": list(table.primary_key),
            "missingValues": [""],
        },
    }


@dataclass(frozen=True)
class Release:
    folder: Path
    rows: dict[str, int]
    parquet: bool


def write_release(root: Path, released: date, *, progress: Callable[[int], None] | None = None) -> Release:
    """Write the release of ``released`` into ``root/<date>/``; refuses one that exists."""
    final = root / released.isoformat()
    if final.exists():
        raise FileExistsError(f"{final} exists: a release of {released} was already written.")
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f".{released.isoformat()}.partial"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    counts = {table.name: 0 for table in TABLES}
    files = {table.name: (folder / table.csv).open("w", newline="", encoding="utf-8") for table in TABLES}
    try:
        writers = {
            table.name: csv.DictWriter(files[table.name], fieldnames=[c.name for c in table.columns])
            for table in TABLES
        }
        for writer in writers.values():
            writer.writeheader()
        for table, row in _rows(released):
            writers[table.name].writerow({key: _cell(value) for key, value in row.items()})
            counts[table.name] += 1
            if progress and table is CLINICS:
                progress(counts["clinics"])
    finally:
        for stream in files.values():
            stream.close()
    resources = [_resource(table, folder / table.csv) for table in TABLES]
    parquet = [(table, _parquet(folder, table)) for table in TABLES]
    # The Parquet files are the same tables in another format: listed in SHA256SUMS and on the
    # /data/ page, not as resources of their own (the package describes each table once).
    package = {
        "profile": "data-package",
        "name": "caretime-open-data",
        "title": "caretime: outpatient therapy clinics, their verdicts and Care Time",
        "description": "Clinics of physical, occupational and speech therapy in the United States, each therapy's "
        "verdict and, where 3 or more people reported, its Care Time figures; clinicians' figures as published "
        "(5 or more reports, in bands); Medicare billing indicators. No individual report is in it. How each "
        "figure is computed: docs/methodology.md.",
        "version": released.isoformat(),
        "created": released.isoformat() + "T00:00:00Z",
        "licenses": [LICENSE],
        "sources": [{"title": ATTRIBUTION}],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sums = [(sha256(folder / name), name) for name in sorted(p.name for p in folder.iterdir())]
    (folder / SUMS).write_text("".join(f"{digest}  {name}\n" for digest, name in sums), encoding="utf-8")
    folder.rename(final)
    return Release(final, counts, parquet=any(path is not None for _, path in parquet))


def releases(root: Path) -> list[dict[str, object]]:
    """The releases written under ``root``, newest first, each with its files, sizes and sums
    as its data package and SHA256SUMS give them."""
    found = []
    if not root.is_dir():
        return []
    for folder in sorted(root.iterdir(), reverse=True):
        package = folder / "datapackage.json"
        if folder.name.startswith(".") or not package.is_file():
            continue
        try:
            released = date.fromisoformat(folder.name)
        except ValueError:
            continue
        sums = {}
        if (folder / SUMS).is_file():
            for line in (folder / SUMS).read_text().splitlines():
                digest, _, name = line.partition("  ")
                sums[name] = digest
        files = [
            {"name": path.name, "bytes": path.stat().st_size, "sha256": sums.get(path.name, "")}
            for path in sorted(folder.iterdir())
            if path.is_file()
        ]
        found.append({"date": released, "name": folder.name, "files": files})
    return found
