"""Writes of the billing app: importing Medicare rows and computing the indicators from them."""

from __future__ import annotations

import dataclasses
import itertools
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import transaction

from caretime.billing.medicare_file import (
    BATCH_ROWS,
    BadRow,
    FileLayout,
    HeaderStyle,
    MedicareRow,
    count_rows,
    detect_layout,
    read_batches,
    read_header,
)
from caretime.billing.models import ClinicBillingYear, ClinicianBillingYear, MedicareServiceLine
from caretime.core import billing as core
from caretime.directory.models import Clinic, Clinician
from caretime.progress import ProgressCallback

MAX_BAD_ROWS_KEPT = 1_000  # the summary counts every bad row; it lists the first thousand
WRITE_BATCH = 2_000
_LINE_FIELDS = [
    "provider_type",
    "state",
    "zip5",
    "street",
    "total_beneficiaries",
    "total_services",
    "total_beneficiary_day_services",
    "is_demo",
    "loaded_by",
]


@dataclass
class ImportSummary:
    header_style: HeaderStyle
    year: int
    dry_run: bool
    replace_year: bool = False
    read: int = 0
    imported: int = 0
    updated: int = 0
    removed: int = 0  # with replace_year: stored rows of the year the file no longer has (would be, in a dry run)
    skipped: Counter[str] = field(default_factory=Counter)
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str, count: int = 1) -> None:
        if count:
            self.skipped[reason] += count


SKIP_OTHER_PROVIDER = "not a therapist provider type"
SKIP_BAD = "bad row (listed below)"
# Counted as skipped (it is no row of its own) but not dropped: its counts are added to the
# earlier row's, as the SQL engine's GROUP BY adds them.
SKIP_DUPLICATE = "repeats an earlier row's NPI, code and place of service: added to it"

_Key = tuple[str, str, str]


def _noop(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class _Run:
    """One import run: every row it writes carries its token (MedicareServiceLine.loaded_by)."""

    year: int
    dry_run: bool
    demo: bool
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    # A dry run writes no token, so it remembers the keys it has read to count as a run would:
    # about 100 bytes a therapist row (some 50 MB for a national file).
    seen: set[str] = field(default_factory=set)
    # A dry run of a replacement: stored rows of the replaced kind (demo or not) that the file has.
    kept: int = 0


def import_medicare_file(
    *,
    path: Path,
    year: int,
    dry_run: bool = False,
    demo: bool = False,
    replace_year: bool = False,
    progress: ProgressCallback | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportSummary:
    """Load the therapist rows of one data year's file; re-running with the same file changes nothing.

    Raises medicare_file.WrongFile before writing anything when the file is not this kind of file.
    Rows that repeat an NPI, code and place of service are added together, in one batch or
    across batches.

    Without ``replace_year`` each batch is written in its own transaction: a run stopped half-way
    leaves whole batches, running it again completes the year, and nothing is removed. With it,
    the stored year becomes equal to the file: every batch and the removal of the year's rows the
    file no longer has happen in one transaction, so readers see the old year or the new one and
    a failure changes nothing. Only rows of the same kind are replaced: a demo import replaces
    the year's demo rows, a real one its real rows.
    """
    report = progress or _noop
    layout = detect_layout(read_header(path))
    total = count_rows(path)
    summary = ImportSummary(header_style=layout.style, year=year, dry_run=dry_run, replace_year=replace_year)
    run = _Run(year=year, dry_run=dry_run, demo=demo)
    report("rows", 0, total)
    if not replace_year:
        _import_batches(path, layout, run, summary, report, total, batch_rows)
        return summary
    replaced = MedicareServiceLine.objects.filter(year=year, is_demo=demo)
    if dry_run:
        stored = replaced.count()
        _import_batches(path, layout, run, summary, report, total, batch_rows)
        summary.removed = stored - run.kept
        return summary
    with transaction.atomic():
        _import_batches(path, layout, run, summary, report, total, batch_rows)
        summary.removed, _ = replaced.exclude(loaded_by=run.token).delete()
    return summary


def _import_batches(
    path: Path,
    layout: FileLayout,
    run: _Run,
    summary: ImportSummary,
    report: ProgressCallback,
    total: int,
    batch_rows: int,
) -> None:
    for batch in read_batches(path, layout, batch_rows=batch_rows):
        summary.read = batch.last_row_number - 1
        summary.skip(SKIP_OTHER_PROVIDER, batch.other_provider_types)
        summary.skip(SKIP_BAD, len(batch.bad))
        room = MAX_BAD_ROWS_KEPT - len(summary.bad_rows)
        if room > 0:
            summary.bad_rows.extend(batch.bad[:room])
        unique: dict[_Key, MedicareRow] = {}
        for row in batch.rows:
            earlier = unique.get(row.key)
            if earlier is not None:
                summary.skip(SKIP_DUPLICATE)
                row = _added(row, earlier.beneficiaries, earlier.services, earlier.beneficiary_days)
            unique[row.key] = row
        new, existing, repeated = _write_lines(run, list(unique.values()))
        summary.imported += new
        summary.updated += existing
        summary.skip(SKIP_DUPLICATE, repeated)
        report("rows", batch.last_row_number - 1, total)


def _added(row: MedicareRow, beneficiaries: int, services: float, beneficiary_days: float) -> MedicareRow:
    """The row with another row's counts of the same key added (its other fields are the later row's)."""
    return dataclasses.replace(
        row,
        beneficiaries=row.beneficiaries + beneficiaries,
        services=row.services + services,
        beneficiary_days=row.beneficiary_days + beneficiary_days,
    )


class _Stored(NamedTuple):
    """What a batch needs to know of a row already stored under the same key."""

    loaded_by: str
    is_demo: bool
    total_beneficiaries: int
    total_services: float
    total_beneficiary_day_services: float


def _write_lines(run: _Run, rows: list[MedicareRow]) -> tuple[int, int, int]:
    """Upsert one batch of distinct keys; returns (new rows, rows that were already there, rows
    that repeat a key an earlier batch of this run wrote, whose counts are added to it)."""
    if not rows:
        return 0, 0, 0
    npis = sorted({row.npi for row in rows})
    stored: dict[_Key, _Stored] = {}
    for chunk in _chunks(npis, 500):  # SQLite allows a limited number of query parameters
        for npi, code, place, *facts in MedicareServiceLine.objects.filter(year=run.year, npi__in=chunk).values_list(
            "npi", "hcpcs_code", "place_of_service", *_Stored._fields
        ):
            stored[(npi, code, place)] = _Stored(*facts)
    new = existing = repeated = 0
    written: list[MedicareRow] = []
    for row in rows:
        found = stored.get(row.key)
        if run.dry_run:
            key = "".join(row.key)  # NPI and code have fixed lengths: the joined key is unambiguous
            if key in run.seen:
                repeated += 1
                continue
            run.seen.add(key)
        elif found is not None and found.loaded_by == run.token:  # an earlier batch of this run wrote it
            repeated += 1
            written.append(
                _added(row, found.total_beneficiaries, found.total_services, found.total_beneficiary_day_services)
            )
            continue
        if found is None:
            new += 1
        else:
            existing += 1
            if found.is_demo == run.demo:
                run.kept += 1
        written.append(row)
    if run.dry_run:
        return new, existing, repeated
    lines = [
        MedicareServiceLine(
            year=run.year,
            npi=row.npi,
            provider_type=row.provider_type,
            state=row.state,
            zip5=row.zip5,
            street=row.street,
            hcpcs_code=row.hcpcs_code,
            place_of_service=row.place_of_service,
            total_beneficiaries=row.beneficiaries,
            total_services=row.services,
            total_beneficiary_day_services=row.beneficiary_days,
            is_demo=run.demo,
            loaded_by=run.token,
        )
        for row in written
    ]
    with transaction.atomic():
        MedicareServiceLine.objects.bulk_create(
            lines,
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["year", "npi", "hcpcs_code", "place_of_service"],
            update_fields=_LINE_FIELDS,
        )
    return new, existing, repeated


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- indicators -------------------------------------------------------------------------------


@dataclass
class IndicatorSummary:
    year: int
    clinicians: int = 0
    clinicians_shown: int = 0
    clinics: int = 0
    linked_by_roster: int = 0
    linked_by_address: int = 0
    unlinked_clinicians: int = 0
    # (clinic id, therapy) pairs whose billing evidence this computation changed (before or after)
    changed: frozenset[tuple[int, str]] = frozenset()


@dataclass
class _ClinicianFacts:
    indicators: core.ClinicianIndicators
    zip5: str
    street: str
    is_demo: bool


def _clinicians_of_year(year: int) -> Iterator[_ClinicianFacts]:
    lines = (
        MedicareServiceLine.objects.filter(year=year)
        .order_by("npi")
        .values_list(
            "npi",
            "provider_type",
            "state",
            "zip5",
            "street",
            "hcpcs_code",
            "place_of_service",
            "total_beneficiaries",
            "total_services",
            "total_beneficiary_day_services",
            "is_demo",
        )
    )
    for npi, rows_iter in itertools.groupby(lines.iterator(chunk_size=WRITE_BATCH), key=lambda r: r[0]):
        rows = list(rows_iter)
        first = rows[0]
        indicators = core.clinician_indicators(
            npi,
            first[1],
            first[2],
            (core.ServiceLine(r[5], r[7], r[8], r[9], r[6]) for r in rows),
        )
        yield _ClinicianFacts(indicators, zip5=first[3], street=first[4], is_demo=any(r[10] for r in rows))


def compute_billing_indicators(*, year: int, progress: ProgressCallback | None = None) -> IndicatorSummary:
    """Replace the year's clinician and clinic indicators with ones computed from its rows."""
    report = progress or _noop
    facts = list(_clinicians_of_year(year))
    report("clinicians", len(facts), len(facts))
    # Invented demo clinicians are never the peers of real ones (nor the other way round).
    percentiles: list[dict[str, float]] = [{} for _ in facts]
    for demo in (False, True):
        positions = [i for i, f in enumerate(facts) if f.is_demo is demo]
        ranks = core.clinician_peer_percentiles([facts[i].indicators for i in positions])
        for i, rank in zip(positions, ranks, strict=True):
            percentiles[i] = rank
    summary = IndicatorSummary(year=year, clinicians=len(facts))
    summary.clinicians_shown = sum(1 for f in facts if f.indicators.shown)
    with transaction.atomic():
        before = set(ClinicBillingYear.objects.filter(year=year).values_list("clinic_id", "discipline"))
        ClinicBillingYear.objects.filter(year=year).delete()
        ClinicianBillingYear.objects.filter(year=year).delete()
        ClinicianBillingYear.objects.bulk_create(
            (_clinician_row(year, f, p) for f, p in zip(facts, percentiles, strict=True)), batch_size=WRITE_BATCH
        )
        clinic_rows = _clinic_rollups(year, [f for f in facts if f.indicators.shown], summary)
        ClinicBillingYear.objects.bulk_create(clinic_rows, batch_size=WRITE_BATCH)
        summary.changed = frozenset(before | {(row.clinic_id, row.discipline) for row in clinic_rows})
    summary.clinics = len({row.clinic_id for row in clinic_rows})
    report("clinics", summary.clinics, summary.clinics)
    return summary


def _clinician_row(year: int, facts: _ClinicianFacts, percentiles: dict[str, float]) -> ClinicianBillingYear:
    c = facts.indicators
    return ClinicianBillingYear(
        year=year,
        npi=c.npi,
        provider_type=c.provider_type,
        state=c.state,
        zip5=facts.zip5,
        street=facts.street,
        visits=c.visits,
        visits_high=c.visits_high,
        beneficiaries=c.beneficiaries,
        services=c.services,
        timed_units=c.timed_units,
        group_services=c.group_services,
        timed_units_per_visit=c.timed_units_per_visit,
        timed_units_per_visit_low=c.timed_units_per_visit_low,
        timed_units_per_visit_by_code=c.timed_units_per_visit_by_code,
        group_share=c.group_share,
        visits_per_beneficiary=c.visits_per_beneficiary,
        timed_units_per_visit_percentile=percentiles.get("timed_units_per_visit"),
        group_share_percentile=percentiles.get("group_share"),
        visits_per_beneficiary_percentile=percentiles.get("visits_per_beneficiary"),
        visits_percentile=percentiles.get("visits"),
        possibly_suppressed=c.possibly_suppressed,
        is_demo=facts.is_demo,
    )


def _roster_links(npis: set[str]) -> dict[str, list[int]]:
    through = Clinician.clinics.through
    links: dict[str, list[int]] = defaultdict(list)
    for npi, clinic_id in (
        through.objects.filter(clinician__npi__isnull=False)
        .values_list("clinician__npi", "clinic_id")
        .iterator(chunk_size=WRITE_BATCH)
    ):
        if npi in npis:
            links[npi].append(clinic_id)
    return links


def _address_links(unlinked: Iterable[_ClinicianFacts]) -> dict[str, list[int]]:
    """Clinicians whose billing street and ZIP code match a clinic's address."""
    by_zip: dict[str, list[_ClinicianFacts]] = defaultdict(list)
    for facts in unlinked:
        if facts.zip5 and facts.street:
            by_zip[facts.zip5].append(facts)
    links: dict[str, list[int]] = defaultdict(list)
    zips = sorted(by_zip)
    for chunk in _chunks(zips, 500):
        clinics_at: dict[tuple[str, str], list[int]] = defaultdict(list)
        for clinic_id, line1, zip_code in Clinic.objects.filter(zip_code__in=chunk).values_list(
            "id", "address_line1", "zip_code"
        ):
            clinics_at[(zip_code, core.street_key(line1))].append(clinic_id)
        for zip_code in chunk:
            for facts in by_zip[zip_code]:
                for clinic_id in clinics_at.get((zip_code, core.street_key(facts.street)), []):
                    links[facts.indicators.npi].append(clinic_id)
    return links


def _clinic_rollups(year: int, shown: list[_ClinicianFacts], summary: IndicatorSummary) -> list[ClinicBillingYear]:
    roster = _roster_links({f.indicators.npi for f in shown})
    address = _address_links(f for f in shown if f.indicators.npi not in roster)
    links: dict[str, list[int]] = {}
    for facts in shown:
        npi = facts.indicators.npi
        if core.THERAPIST_PROVIDER_TYPES.get(facts.indicators.provider_type) is None:
            continue
        if npi in roster:
            summary.linked_by_roster += 1
            links[npi] = roster[npi]
        elif npi in address:
            summary.linked_by_address += 1
            links[npi] = address[npi]
        else:
            summary.unlinked_clinicians += 1
    # A clinician at several clinics counts in part at each: the file does not say where a
    # visit happened, so their visits are shared equally and add up to theirs.
    shares = core.roster_shares(links)
    by_npi = {f.indicators.npi: f for f in shown}
    members: dict[tuple[int, str], list[tuple[_ClinicianFacts, float]]] = defaultdict(list)
    for (npi, clinic_id), share in shares.items():
        facts = by_npi[npi]
        discipline = core.THERAPIST_PROVIDER_TYPES[facts.indicators.provider_type]
        members[(clinic_id, discipline.value)].append((facts, share))
    states = dict(Clinic.objects.filter(id__in={cid for cid, _ in members}).values_list("id", "state"))
    rows: list[ClinicBillingYear] = []
    for (clinic_id, discipline_code), people in sorted(members.items()):
        figures = core.roll_up((p.indicators, share) for p, share in people)
        if figures is None:
            continue
        rows.append(
            ClinicBillingYear(
                clinic_id=clinic_id,
                year=year,
                discipline=discipline_code,
                state=states.get(clinic_id, ""),
                clinicians=figures.clinicians,
                shared_clinicians=figures.shared_clinicians,
                visits=figures.visits,
                visits_high=figures.visits_high,
                beneficiaries=figures.beneficiaries,
                timed_units_per_visit=figures.timed_units_per_visit,
                timed_units_per_visit_low=figures.timed_units_per_visit_low,
                group_days=figures.group_days,
                group_share=figures.group_share,
                visits_per_beneficiary=figures.visits_per_beneficiary,
                possibly_suppressed=figures.possibly_suppressed,
                linked_by=(
                    ClinicBillingYear.LinkedBy.ROSTER
                    if any(p.indicators.npi in roster for p, _ in people)
                    else ClinicBillingYear.LinkedBy.ADDRESS
                ),
                is_demo=any(p.is_demo for p, _ in people),
            )
        )
    _clinic_percentiles(rows)
    return rows


def _clinic_percentiles(rows: list[ClinicBillingYear]) -> None:
    """Percentiles of each clinic among the other clinics of the same discipline and state."""

    def peers(row: ClinicBillingYear) -> tuple[str, str, bool]:
        return (row.discipline, row.state, row.is_demo)

    sizes = Counter(peers(row) for row in rows)
    for name in core.INDICATOR_NAMES:
        ranks = core.peer_percentiles(rows, peers, lambda row, name=name: float(getattr(row, name)))  # type: ignore[misc]
        for row, rank in zip(rows, ranks, strict=True):
            setattr(row, f"{name}_percentile", rank)
    for row in rows:
        row.peer_clinics = sizes[peers(row)] - 1
