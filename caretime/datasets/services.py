"""Writing public records into the directory.

Every batch is one short transaction of set-based upserts keyed on the NPI (organisations,
clinicians) or on the clinic's source key, so a re-run with the same or a newer file
updates rows in place and never duplicates them. Nothing is ever deleted: a location that
is no longer listed, or an NPI that was deactivated, is marked inactive and keeps its
primary key, so everything people attached to it stays attached. Rows people created
themselves (no source) are never touched.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q

from caretime.core.addresses import address_key, normalise_street
from caretime.datasets.doctors_clinicians import RosterEntry
from caretime.datasets.nppes import (
    DISCIPLINE_BITS,
    BadLine,
    Location,
    LocationRow,
    NppesBatch,
    SecondaryLocation,
)
from caretime.datasets.summary import ImportSummary
from caretime.directory.models import Clinic, Clinician, ClinicService, ClinicSource, Organization
from caretime.directory.public_ids import fill_public_ids
from caretime.extras import import_extra

NPPES_CLINIC_SOURCES = (ClinicSource.NPPES, ClinicSource.NPPES_SECONDARY)


@dataclass
class ImportRun:
    """One run of an importer: its clock, its mode and its running summary."""

    started_at: dt.datetime
    dry_run: bool
    summary: ImportSummary
    # Clinics whose roster gained a clinician or a new name in this run: their reviews are
    # screened again.
    changed_rosters: set[int] = field(default_factory=set)


def cut(model: type[models.Model], field: str, value: str) -> str:
    """Fit a value to its column (NPPES v.2 names can be longer than the directory keeps)."""
    return value[: _max_length(model, field)]


@functools.cache
def _max_length(model: type[models.Model], field: str) -> int | None:
    max_length: int | None = getattr(model._meta.get_field(field), "max_length", None)
    return max_length


def _sqlite_parameter_limit() -> int:
    """This SQLite build's limit on parameters per statement (999 on old builds, 32,766 or
    more on current ones): fewer, larger statements cost less Python per row."""
    connection.ensure_connection()
    raw = connection.connection
    getlimit = getattr(raw, "getlimit", None)  # Python 3.11+
    return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if getlimit else 999


def _column_type(model: type[models.Model], column: str) -> str:
    field = model._meta.get_field(column)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{column} is not a column")
    return str(field.db_type(connection))


def _insert(
    model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]], on_conflict: str, returning: str = ""
) -> list[tuple[Any, ...]]:
    """INSERT many rows in few statements; callers pass rows with distinct keys. With
    ``returning`` (column names), returns those columns of every inserted or updated row.

    PostgreSQL gets one array per column (``SELECT * FROM unnest(...)``): one short
    statement per batch, cheap to send and to plan. SQLite gets multi-row VALUES, a few
    hundred rows per statement, within its limit on parameters.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    if returning:
        on_conflict += f" RETURNING {returning}"
    written: list[tuple[Any, ...]] = []
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
    if connection.vendor == "postgresql":
        casts = [_column_type(model, column) for column in columns]
        arrays = ", ".join(f"%s::{cast}[]" for cast in casts)
        by_column = [list(values) for values in zip(*rows, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(f"{head}SELECT * FROM unnest({arrays}) {on_conflict}", by_column)  # noqa: S608 (identifiers from the model)
            return cursor.fetchall() if returning else []
    # SQLite: the driver's own cursor and "?" placeholders, because Django's wrapper
    # rewrites every "%s" of a statement with a regular expression, thousands per statement.
    per_statement = max(1, min(500, _sqlite_parameter_limit() // len(columns)))
    one_row = f"({', '.join(['?'] * len(columns))})"
    raw = connection.connection.cursor()
    try:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            raw.execute(
                f"{head}VALUES {', '.join([one_row] * len(chunk))} {on_conflict}",
                [value for row in chunk for value in row],
            )
            if returning:
                written.extend(raw.fetchall())
    finally:
        raw.close()
    return written


def upsert_rows(
    model: type[models.Model], *, columns: list[str], rows: list[tuple[Any, ...]], conflict: str, update: list[str]
) -> dict[Any, int]:
    """INSERT ... ON CONFLICT DO UPDATE (the same SQL on SQLite 3.35+ and PostgreSQL, and
    several times cheaper than building model instances); returns key -> primary key."""
    quote = connection.ops.quote_name
    updates = ", ".join(f"{quote(column)} = EXCLUDED.{quote(column)}" for column in update)
    returning = f"{quote(conflict)}, {quote(model._meta.pk.column)}"
    written = _insert(model, columns, rows, f"ON CONFLICT ({quote(conflict)}) DO UPDATE SET {updates}", returning)
    return dict(written)


IN_CHUNK = 900  # below every SQLite build's limit on parameters


def primary_keys(model: type[models.Model], column: str, values: Iterable[str]) -> dict[str, int]:
    """value -> primary key of the rows whose ``column`` is one of ``values`` (raw SQL: the
    ORM's per-parameter work would cost more than the query on a batch of thousands of rows)."""
    wanted = list(values)
    if not wanted:
        return {}
    quote = connection.ops.quote_name
    select = f"SELECT {quote(column)}, {quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)} "  # noqa: S608 (identifiers from the model)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: a 900-placeholder IN list costs more to build than to run.
            cursor.execute(f"{select}WHERE {quote(column)} = ANY(%s)", [wanted])
            return dict(cursor.fetchall())
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            cursor.execute(f"{select}WHERE {quote(column)} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.update(cursor.fetchall())
    return found


def _db_time(run: ImportRun) -> Any:
    return connection.ops.adapt_datetimefield_value(run.started_at)


NPPES_KEY_PREFIX = "nppes:"


def nppes_clinic_key(npi: str) -> str:
    return f"{NPPES_KEY_PREFIX}{npi}"


def secondary_clinic_key(npi: str, location: Location) -> str:
    digest = hashlib.sha256(address_key(location.line1, location.zip_code).encode()).hexdigest()[:16]
    return f"nppes:{npi}:{digest}"


CLINIC_COLUMNS = [
    "source",
    "source_key",
    "organization_id",
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "is_active",
    "is_demo",
    "last_imported_at",
    "created_at",
    "updated_at",
]
ORGANIZATION_COLUMNS = [
    "npi",
    "legal_name",
    "doing_business_as",
    "is_active",
    "is_demo",
    "medicare_group_pac_id",
    "last_imported_at",
    "created_at",
    "updated_at",
]
CLINICIAN_COLUMNS = [
    "npi",
    "first_name",
    "last_name",
    "credential",
    "discipline",
    "is_demo",
    "is_active",
    "last_imported_at",
]
# Everything but the key, the demo flag and the creation time.
CLINIC_UPDATED_COLUMNS = [c for c in CLINIC_COLUMNS if c not in ("source_key", "is_demo", "created_at")]


def clinic_row(
    *, key: str, source: str, organization_id: int, name: str, location: Location, is_active: bool, now: Any
) -> tuple[Any, ...]:
    """A clinic as a row in CLINIC_COLUMNS order."""
    return (
        source,
        key,
        organization_id,
        cut(Clinic, "name", name),
        cut(Clinic, "address_line1", location.line1),
        cut(Clinic, "address_line2", location.line2),
        cut(Clinic, "city", location.city),
        location.state[:2],
        location.zip_code,
        location.latitude,
        location.longitude,
        cut(Clinic, "phone", location.phone),
        is_active,
        False,
        now,
        now,
        now,
    )


def upsert_clinics(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """Insert or update clinics by source key; returns source key -> primary key."""
    return upsert_rows(Clinic, columns=CLINIC_COLUMNS, rows=rows, conflict="source_key", update=CLINIC_UPDATED_COLUMNS)


def set_services(wanted: dict[int, frozenset[str]], *, new_clinics: Iterable[int] = ()) -> None:
    """Make each clinic offer exactly the wanted disciplines (services hold nothing else).
    ``new_clinics`` were created in this transaction, so they offer nothing yet."""
    current: dict[int, dict[str, int]] = defaultdict(dict)
    to_read = wanted.keys() - set(new_clinics)
    for pk, clinic_id, discipline in ClinicService.objects.filter(clinic_id__in=to_read).values_list(
        "pk", "clinic_id", "discipline"
    ):
        current[clinic_id][discipline] = pk
    stale = [pk for clinic_id, offered in current.items() for d, pk in offered.items() if d not in wanted[clinic_id]]
    if stale:
        ClinicService.objects.filter(pk__in=stale).delete()
    insert_missing(
        ClinicService,
        columns=["clinic_id", "discipline"],
        rows=[
            (clinic_id, discipline)
            for clinic_id, disciplines in wanted.items()
            for discipline in sorted(disciplines)
            if discipline not in current[clinic_id]
        ],
        conflict=["clinic_id", "discipline"],
    )


def save_nppes_batch(*, batch: NppesBatch, run: ImportRun) -> None:
    """Count and (unless a dry run) write one checked batch of the main file."""
    summary = run.summary
    summary.read += batch.read
    for bad in batch.bad:
        summary.bad(bad.line, bad.reason, bad.detail)
    summary.skipped.update(batch.passed_over)
    organizations = _latest(batch.organizations, summary)
    individuals = _latest(batch.individuals, summary)
    with transaction.atomic():
        _save_organizations(organizations, run)
        _save_clinicians(individuals, run)
        _deactivate(set(batch.deactivated), run)
        if not run.dry_run:
            fill_public_ids()


def _latest(frame: Any, summary: ImportSummary) -> Any:
    """One row per NPI, the file's later one."""
    latest = frame.unique(subset="npi", keep="last", maintain_order=True)
    if latest.height < frame.height:
        summary.skipped["NPI listed twice in the file (the later row is used)"] += frame.height - latest.height
    return latest


# The main file's rows reach the database through a staging table: PostgreSQL fills it with
# COPY from the engine's own CSV output, SQLite with executemany over the engine's row tuples,
# and set-based statements take them on from there. No Python code runs per row.
_STAGE_TYPES = {
    "postgresql": {"text": "text", "real": "double precision", "integer": "bigint"},
    "sqlite": {"text": "TEXT", "real": "REAL", "integer": "INTEGER"},
}


def _stage(name: str, frame: Any, types: dict[str, str]) -> str:
    """Put a frame's rows (columns ``types``: column -> text, real or integer) into an
    emptied temporary table; returns the table's quoted name."""
    quote = connection.ops.quote_name
    vendor_types = _STAGE_TYPES[connection.vendor]
    table = quote(name)
    columns = ", ".join(quote(column) for column in types)
    definition = ", ".join(f"{quote(column)} {vendor_types[kind]}" for column, kind in types.items())
    frame = frame.select(list(types))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({definition})")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a name of ours)
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(frame.write_csv(include_header=False))
            return table
    raw = connection.connection.cursor()
    try:
        raw.executemany(f"INSERT INTO {table} VALUES ({', '.join(['?'] * len(types))})", frame.iter_rows())  # noqa: S608
    finally:
        raw.close()
    return table


def _cut_column(model: type[models.Model], field: str, frame_column: str | None = None) -> Any:
    """The frame's column fitted to the model's (see ``cut``), as an engine expression."""
    pl = import_extra("polars")
    column = pl.col(frame_column or field)
    length = _max_length(model, field)
    return (column.str.slice(0, length) if length else column).alias(field)


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def _upsert_staged(*, existing_sql: str, upsert_sql: str, params: list[Any], dry_run: bool) -> int:
    """Run an upsert of staged rows (unless a dry run); returns how many of them were
    already there. PostgreSQL tells it from the upsert itself (a row it inserted
    has no locking transaction, ``xmax = 0``; one it updated was locked by this one), which
    saves a join of the staging table with the table; SQLite counts them first."""
    with connection.cursor() as cursor:
        if dry_run or connection.vendor != "postgresql":
            existing = _count(existing_sql)
            if not dry_run:
                cursor.execute(upsert_sql, params)
            return existing
        cursor.execute(
            f"WITH written AS ({upsert_sql} RETURNING (xmax = 0) AS created) "  # noqa: S608
            "SELECT count(*) FILTER (WHERE NOT created) FROM written",
            params,
        )
        return int(cursor.fetchone()[0])


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _assignments(columns: list[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(column)} = EXCLUDED.{quote(column)}" for column in columns)


def _save_organizations(organizations: Any, run: ImportRun) -> None:
    if not organizations.height:
        return
    pl = import_extra("polars")
    quote = connection.ops.quote_name
    stage = _stage(
        "nppes_organization_stage",
        organizations.select(
            "line",
            "npi",
            _cut_column(Organization, "legal_name"),
            _cut_column(Organization, "doing_business_as"),
            pl.when(pl.col("doing_business_as") != "")
            .then(pl.col("doing_business_as"))
            .otherwise(pl.col("legal_name"))
            .str.slice(0, _max_length(Clinic, "name"))
            .alias("name"),
            _cut_column(Clinic, "address_line1"),
            _cut_column(Clinic, "address_line2"),
            _cut_column(Clinic, "city"),
            pl.col("state").str.slice(0, 2),
            "zip_code",
            "latitude",
            "longitude",
            _cut_column(Clinic, "phone"),
            "disciplines",
        ),
        {
            "line": "integer",
            "npi": "text",
            "legal_name": "text",
            "doing_business_as": "text",
            "name": "text",
            "address_line1": "text",
            "address_line2": "text",
            "city": "text",
            "state": "text",
            "zip_code": "text",
            "latitude": "real",
            "longitude": "real",
            "phone": "text",
            "disciplines": "integer",
        },
    )
    organization, clinic = _table(Organization), _table(Clinic)
    clinic_key = f"'{NPPES_KEY_PREFIX}' || s.npi"
    now = _db_time(run)
    updated = ["legal_name", "doing_business_as", "is_active", "last_imported_at", "updated_at"]
    existing = _upsert_staged(
        existing_sql=f"SELECT count(*) FROM {stage} s JOIN {organization} o ON o.npi = s.npi",  # noqa: S608
        upsert_sql=f"INSERT INTO {organization} ({', '.join(map(quote, ORGANIZATION_COLUMNS))}) "  # noqa: S608
        "SELECT s.npi, s.legal_name, s.doing_business_as, %s, %s, '', %s, %s, %s "
        f"FROM {stage} s WHERE true ORDER BY s.line "
        f"ON CONFLICT (npi) DO UPDATE SET {_assignments(updated)}",
        params=[True, False, now, now, now],
        dry_run=run.dry_run,
    )
    existing_clinics = _upsert_staged(
        existing_sql=f"SELECT count(*) FROM {stage} s JOIN {clinic} c ON c.source_key = {clinic_key}",  # noqa: S608
        upsert_sql=f"INSERT INTO {clinic} ({', '.join(map(quote, CLINIC_COLUMNS))}) "  # noqa: S608
        f"SELECT %s, {clinic_key}, o.id, s.name, s.address_line1, s.address_line2, s.city, s.state, "
        "s.zip_code, s.latitude, s.longitude, s.phone, %s, %s, %s, %s, %s "
        f"FROM {stage} s JOIN {organization} o ON o.npi = s.npi WHERE true ORDER BY s.line "
        f"ON CONFLICT (source_key) DO UPDATE SET {_assignments(CLINIC_UPDATED_COLUMNS)}",
        params=[ClinicSource.NPPES.value, True, False, now, now, now],
        dry_run=run.dry_run,
    )
    run.summary.created["organisations"] += organizations.height - existing
    run.summary.updated["organisations"] += existing
    run.summary.created["clinics"] += organizations.height - existing_clinics
    run.summary.updated["clinics"] += existing_clinics
    if not run.dry_run:
        _set_staged_services(stage, clinic_key, all_new=not existing_clinics)


def _set_staged_services(stage: str, clinic_key: str, *, all_new: bool) -> None:
    """set_services for the staged clinics: each offers exactly the disciplines of its bits.
    ``all_new``: the clinics were created in this transaction, so they offer nothing yet."""
    quote = connection.ops.quote_name
    wanted = quote("nppes_wanted_service")
    service, clinic = _table(ClinicService), _table(Clinic)
    bits = " UNION ALL ".join(
        f"SELECT '{discipline.value}' AS code, {bit} AS bit" for discipline, bit in DISCIPLINE_BITS.items()
    )
    offered = (
        f"SELECT c.id, d.code FROM {stage} s JOIN {clinic} c ON c.source_key = {clinic_key} "  # noqa: S608
        f"JOIN ({bits}) d ON (s.disciplines & d.bit) <> 0"
    )
    with connection.cursor() as cursor:
        if all_new:  # as on a first import: nothing to compare with
            cursor.execute(f"INSERT INTO {service} (clinic_id, discipline) {offered}")
            return
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {wanted} (clinic_id bigint, discipline text, PRIMARY KEY (clinic_id, discipline))"
        )
        cursor.execute(f"DELETE FROM {wanted}")  # noqa: S608
        cursor.execute(f"INSERT INTO {wanted} (clinic_id, discipline) {offered}")
        cursor.execute(
            f"DELETE FROM {service} WHERE clinic_id IN (SELECT clinic_id FROM {wanted}) "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {wanted} w WHERE w.clinic_id = {service}.clinic_id "
            f"AND w.discipline = {service}.discipline)"
        )
        cursor.execute(
            f"INSERT INTO {service} (clinic_id, discipline) SELECT clinic_id, discipline FROM {wanted} "  # noqa: S608
            "WHERE true ORDER BY clinic_id, discipline ON CONFLICT (clinic_id, discipline) DO NOTHING"
        )


def _save_clinicians(individuals: Any, run: ImportRun) -> None:
    if not individuals.height:
        return
    quote = connection.ops.quote_name
    stage = _stage(
        "nppes_clinician_stage",
        individuals.select(
            "line",
            "npi",
            _cut_column(Clinician, "first_name"),
            _cut_column(Clinician, "last_name"),
            _cut_column(Clinician, "credential"),
            "discipline",
        ),
        {
            "line": "integer",
            "npi": "text",
            "first_name": "text",
            "last_name": "text",
            "credential": "text",
            "discipline": "text",
        },
    )
    clinician = _table(Clinician)
    if not run.dry_run:
        _note_renamed_clinicians(stage, clinician, run)
    updated = ["first_name", "last_name", "credential", "discipline", "is_active", "last_imported_at"]
    existing = _upsert_staged(
        existing_sql=f"SELECT count(*) FROM {stage} s JOIN {clinician} c ON c.npi = s.npi",  # noqa: S608
        upsert_sql=f"INSERT INTO {clinician} ({', '.join(map(quote, CLINICIAN_COLUMNS))}) "  # noqa: S608
        "SELECT s.npi, s.first_name, s.last_name, s.credential, s.discipline, %s, %s, %s "
        f"FROM {stage} s WHERE true ORDER BY s.line "
        f"ON CONFLICT (npi) DO UPDATE SET {_assignments(updated)}",
        params=[False, True, _db_time(run)],
        dry_run=run.dry_run,
    )
    run.summary.created["clinicians"] += individuals.height - existing
    run.summary.updated["clinicians"] += existing


def _note_renamed_clinicians(stage: str, clinician: str, run: ImportRun) -> None:
    """The clinics on whose roster a staged clinician's name is about to change: a roster with
    a new name on it, against which their reviews are screened again."""
    quote = connection.ops.quote_name
    roster = _table(Clinician.clinics.through)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT r.{quote('clinic_id')} FROM {stage} s "  # noqa: S608 (names of ours)
            f"JOIN {clinician} c ON c.{quote('npi')} = s.{quote('npi')} "
            f"JOIN {roster} r ON r.{quote('clinician_id')} = c.{quote('id')} "
            f"WHERE c.{quote('first_name')} <> s.{quote('first_name')} "
            f"OR c.{quote('last_name')} <> s.{quote('last_name')}"
        )
        run.changed_rosters.update(row[0] for row in cursor.fetchall())


def _deactivate(npis: set[str], run: ImportRun) -> None:
    if not npis:
        return
    # Most deactivated NPIs were never therapy providers: find the few that matter first.
    organization_ids = primary_keys(Organization, "npi", npis)
    clinician_ids = primary_keys(Clinician, "npi", npis)
    run.summary.skipped["deactivated NPI that is not in the directory"] += len(
        npis - organization_ids.keys() - clinician_ids.keys()
    )
    if not organization_ids and not clinician_ids:
        return
    organizations = Organization.objects.filter(pk__in=organization_ids.values(), is_active=True)
    clinics = Clinic.objects.filter(
        organization_id__in=organization_ids.values(), source__in=NPPES_CLINIC_SOURCES, is_active=True
    )
    clinicians = Clinician.objects.filter(pk__in=clinician_ids.values(), is_active=True)
    if run.dry_run:
        run.summary.deactivated["organisations (NPI deactivated)"] += organizations.count()
        run.summary.deactivated["clinics (NPI deactivated)"] += clinics.count()
        run.summary.deactivated["clinicians (NPI deactivated)"] += clinicians.count()
        return
    # Clinics first: their filter reads the organisations' NPIs, not their activity.
    run.summary.deactivated["clinics (NPI deactivated)"] += clinics.update(is_active=False, updated_at=run.started_at)
    run.summary.deactivated["organisations (NPI deactivated)"] += organizations.update(
        is_active=False, updated_at=run.started_at
    )
    run.summary.deactivated["clinicians (NPI deactivated)"] += clinicians.update(is_active=False)


def save_secondary_locations_batch(*, rows: list[LocationRow], run: ImportRun) -> None:
    """Add the side file's extra practice locations of organisations in the directory as
    more clinics of the same organisation, offering what its main location offers."""
    summary = run.summary
    summary.read += len(rows)
    primaries = {
        npi: (organization_id, clinic_id, name, line1, zip_code, is_active)
        for npi, organization_id, clinic_id, name, line1, zip_code, is_active in Clinic.objects.filter(
            source=ClinicSource.NPPES, organization__npi__in={row.npi for row in rows}
        ).values_list("organization__npi", "organization_id", "pk", "name", "address_line1", "zip_code", "is_active")
    }
    offered: dict[int, set[str]] = defaultdict(set)
    for clinic_id, discipline in ClinicService.objects.filter(
        clinic_id__in=[primary[1] for primary in primaries.values()]
    ).values_list("clinic_id", "discipline"):
        offered[clinic_id].add(discipline)

    clinics: dict[str, tuple[tuple[Any, ...], frozenset[str]]] = {}
    now = _db_time(run)
    for row in rows:
        primary = primaries.get(row.npi)
        if primary is None:
            summary.skipped["NPI is not a therapy organisation in the directory"] += 1
            continue
        checked = row.checked()
        if isinstance(checked, BadLine):
            summary.bad(checked.line, checked.reason, checked.detail)
            continue
        if not isinstance(checked, SecondaryLocation):
            raise TypeError(f"expected a SecondaryLocation, got {checked!r}")
        organization_id, primary_clinic_id, name, line1, zip_code, is_active = primary
        location = checked.location
        if address_key(location.line1, location.zip_code) == address_key(line1, zip_code):
            summary.skipped["same address as the organisation's main practice location"] += 1
            continue
        key = secondary_clinic_key(row.npi, location)
        if key in clinics:
            summary.skipped["location listed twice for the same NPI"] += 1
        clinic = clinic_row(
            key=key,
            source=ClinicSource.NPPES_SECONDARY,
            organization_id=organization_id,
            name=name,
            location=location,
            is_active=is_active,
            now=now,
        )
        clinics[key] = (clinic, frozenset(offered[primary_clinic_id]))
    if not clinics:
        return
    existing = len(primary_keys(Clinic, "source_key", clinics))
    summary.created["clinics (secondary locations)"] += len(clinics) - existing
    summary.updated["clinics (secondary locations)"] += existing
    if run.dry_run:
        return
    with transaction.atomic():
        clinic_ids = upsert_clinics([clinic for clinic, _ in clinics.values()])
        set_services({clinic_ids[key]: disciplines for key, (_, disciplines) in clinics.items()})
        fill_public_ids()


def mark_missing_inactive(*, run: ImportRun, sources: Iterable[str], people: bool) -> None:
    """After a full file: whatever an earlier file listed and this one did not is marked
    inactive (never deleted), so reports and reviews attached to it stay attached."""
    not_seen = Q(last_imported_at__lt=run.started_at) | Q(last_imported_at__isnull=True)
    clinics = Clinic.objects.filter(not_seen, source__in=list(sources), is_active=True)
    # Only organisations an NPPES file listed before (they have an NPI and an import time).
    organizations = Organization.objects.filter(npi__isnull=False, last_imported_at__lt=run.started_at, is_active=True)
    clinicians = Clinician.objects.filter(last_imported_at__lt=run.started_at, is_active=True)
    deactivated = run.summary.deactivated
    if run.dry_run:
        raise ValueError("a dry run does not record what it saw, so it cannot tell what is missing")
    with transaction.atomic():
        deactivated["clinics (no longer in the file)"] += clinics.update(is_active=False, updated_at=run.started_at)
        if people:
            deactivated["organisations (no longer in the file)"] += organizations.update(
                is_active=False, updated_at=run.started_at
            )
            deactivated["clinicians (no longer in the file)"] += clinicians.update(is_active=False)


def insert_missing(
    model: type[models.Model], *, columns: list[str], rows: list[tuple[Any, ...]], conflict: list[str]
) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: add what is not there, leave what is."""
    quote = connection.ops.quote_name
    _insert(model, columns, rows, f"ON CONFLICT ({', '.join(map(quote, conflict))}) DO NOTHING")


def group_clinic_key(group_pac_id: str, entry: RosterEntry) -> str:
    digest = hashlib.sha256(entry.address_key.encode()).hexdigest()[:16]
    return f"dac:{group_pac_id}:{digest}"


def save_roster_batch(*, rows: Iterable[RosterEntry | BadLine], run: ImportRun) -> None:
    """Put each therapist of a batch on the roster of the clinic at their address.

    The clinic is found by normalised street address and ZIP code, preferring one whose
    organisation bills as the row's group practice, then one whose name is the group's. A
    group practice address with no clinic becomes a clinic of the group (created once, by
    a key of group and address). A therapist billing on their own at an address with no
    clinic is skipped. Rosters only grow here: an absent link is not removed.
    """
    summary = run.summary
    entries: dict[tuple[str, str, str], RosterEntry] = {}
    for row in rows:
        summary.read += 1
        if isinstance(row, BadLine):
            summary.bad(row.line, row.reason, row.detail)
        elif row.dedupe_key in entries:
            summary.skipped["the same clinician, group practice and address listed twice"] += 1
        else:
            entries[row.dedupe_key] = row
    if not entries:
        return
    with transaction.atomic():
        clinician_ids = _roster_clinicians(list(entries.values()), run)
        clinic_ids = _roster_clinics(list(entries.values()), run)
        pairs: set[tuple[int, int]] = set()
        for entry in entries.values():
            clinic_id = clinic_ids.get((entry.group_pac_id, entry.address_key))
            if clinic_id is None:
                summary.skipped["therapist on their own at an address with no clinic in the directory"] += 1
            elif entry.npi in clinician_ids:
                pairs.add((clinician_ids[entry.npi], clinic_id))
            elif run.dry_run:
                summary.created["roster links"] += 1
        _link(pairs, run)
        if not run.dry_run:
            fill_public_ids()  # the group practices' new organisations, clinics and services


def _roster_clinicians(entries: list[RosterEntry], run: ImportRun) -> dict[str, int]:
    """NPI -> clinician id, adding therapists NPPES did not list (without an import time, so
    that an NPPES run never marks them inactive for being absent from its file)."""
    by_npi = {entry.npi: entry for entry in entries}
    existing = primary_keys(Clinician, "npi", by_npi)
    missing = [entry for npi, entry in by_npi.items() if npi not in existing]
    run.summary.created["clinicians"] += len(missing)
    if run.dry_run or not missing:
        return existing
    insert_missing(
        Clinician,
        columns=CLINICIAN_COLUMNS,
        rows=[
            (
                entry.npi,
                cut(Clinician, "first_name", entry.first_name),
                cut(Clinician, "last_name", entry.last_name),
                cut(Clinician, "credential", entry.credential),
                entry.discipline.value,
                False,
                True,
                None,
            )
            for entry in missing
        ],
        conflict=["npi"],
    )
    return primary_keys(Clinician, "npi", by_npi)


def _same_name(a: str, b: str) -> bool:
    return bool(a) and normalise_street(a) == normalise_street(b)


def _roster_clinics(entries: list[RosterEntry], run: ImportRun) -> dict[tuple[str, str], int]:
    """(group PAC ID, address key) -> clinic id, matching or creating clinics."""
    summary = run.summary
    at_address: dict[str, list[tuple[int, int, str, str, str, str]]] = defaultdict(list)
    for pk, line1, zip_code, organization_id, pac_id, legal_name, name, source in (
        Clinic.objects.filter(zip_code__in={entry.location.zip_code for entry in entries}, is_active=True)
        .order_by("pk")
        .values_list(
            "pk",
            "address_line1",
            "zip_code",
            "organization_id",
            "organization__medicare_group_pac_id",
            "organization__legal_name",
            "name",
            "source",
        )
    ):
        at_address[address_key(line1, zip_code)].append((pk, organization_id, pac_id, legal_name, name, source))

    found: dict[tuple[str, str], int] = {}
    tag: dict[int, str] = {}
    seen_again: set[int] = set()  # clinics this importer made, listed again
    to_create: dict[tuple[str, str], RosterEntry] = {}
    for entry in entries:
        place = (entry.group_pac_id, entry.address_key)
        if place in found or place in to_create:
            continue
        candidates = at_address.get(entry.address_key, [])
        pac = entry.group_pac_id
        chosen = next((c for c in candidates if pac and c[2] == pac), None)
        chosen = chosen or next(
            (c for c in candidates if _same_name(entry.facility_name, c[3]) or _same_name(entry.facility_name, c[4])),
            None,
        )
        if (chosen is None and len(candidates) == 1) or (chosen is None and candidates and not pac):
            chosen = candidates[0]
        if chosen is not None:
            found[place] = chosen[0]
            if pac and not chosen[2]:
                tag[chosen[1]] = pac
            if chosen[5] == ClinicSource.DOCTORS_CLINICIANS:
                seen_again.add(chosen[0])
        elif pac:
            to_create[place] = entry
    summary.updated["organisations tagged with their Medicare group"] += len(tag)
    summary.updated["clinics (group practice addresses not in NPPES)"] += len(seen_again)
    if not run.dry_run:
        Clinic.objects.filter(pk__in=seen_again).update(last_imported_at=run.started_at)
        for organization_id, pac in tag.items():
            Organization.objects.filter(pk=organization_id, medicare_group_pac_id="").update(medicare_group_pac_id=pac)
    found.update(_group_clinics(to_create, run))
    return found


def _group_clinics(to_create: dict[tuple[str, str], RosterEntry], run: ImportRun) -> dict[tuple[str, str], int]:
    """Clinics for group practice addresses the directory lacks, under the group's organisation."""
    if not to_create:
        return {}
    summary = run.summary
    keys = {place: group_clinic_key(place[0], entry) for place, entry in to_create.items()}
    existing_clinics = primary_keys(Clinic, "source_key", keys.values())
    summary.created["clinics (group practice addresses not in NPPES)"] += len(keys) - len(existing_clinics)
    summary.updated["clinics (group practice addresses not in NPPES)"] += len(existing_clinics)
    pacs = {place[0]: entry for place, entry in to_create.items()}
    organizations = primary_keys(Organization, "medicare_group_pac_id", pacs)
    summary.created["organisations (group practices not in NPPES)"] += len(pacs.keys() - organizations.keys())
    if run.dry_run:
        return {}
    now = _db_time(run)
    Organization.objects.bulk_create(
        Organization(
            legal_name=cut(Organization, "legal_name", entry.facility_name or f"Medicare group practice {pac}"),
            medicare_group_pac_id=pac,
            last_imported_at=run.started_at,
        )
        for pac, entry in pacs.items()
        if pac not in organizations
    )
    organizations = primary_keys(Organization, "medicare_group_pac_id", pacs)
    clinic_ids = upsert_clinics(
        [
            clinic_row(
                key=keys[place],
                source=ClinicSource.DOCTORS_CLINICIANS,
                organization_id=organizations[place[0]],
                name=entry.facility_name or f"Medicare group practice {place[0]}",
                location=entry.location,
                is_active=True,
                now=now,
            )
            for place, entry in to_create.items()
        ]
    )
    ClinicService.objects.bulk_create(
        [
            ClinicService(clinic_id=clinic_ids[keys[place]], discipline=entry.discipline.value)
            for place, entry in to_create.items()
        ],
        ignore_conflicts=True,
    )
    return {place: clinic_ids[keys[place]] for place in to_create}


def _link(pairs: set[tuple[int, int]], run: ImportRun) -> None:
    if not pairs:
        return
    roster = Clinician.clinics.through
    existing = set(
        roster.objects.filter(
            clinician_id__in={clinician for clinician, _ in pairs}, clinic_id__in={clinic for _, clinic in pairs}
        ).values_list("clinician_id", "clinic_id")
    )
    new = pairs - existing
    run.summary.created["roster links"] += len(new)
    run.summary.updated["roster links (already there)"] += len(pairs & existing)
    if not run.dry_run:
        roster.objects.bulk_create([roster(clinician_id=a, clinic_id=b) for a, b in new], ignore_conflicts=True)
        run.changed_rosters.update(clinic for _, clinic in new)
