"""Writes of the billing app: importing Medicare rows and computing the indicators from them."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from caretime.billing.medicare_file import (
    BATCH_ROWS,
    BadRow,
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
]


@dataclass
class ImportSummary:
    header_style: HeaderStyle
    year: int
    dry_run: bool
    read: int = 0
    imported: int = 0
    updated: int = 0
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
SKIP_DUPLICATE = "repeats an earlier row's NPI, code and place of service"


def _noop(stage: str, done: int, total: int) -> None:
    return None


def import_medicare_file(
    *,
    path: Path,
    year: int,
    dry_run: bool = False,
    demo: bool = False,
    progress: ProgressCallback | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportSummary:
    """Load the therapist rows of one data year's file; re-running with the same file changes nothing.

    Raises medicare_file.WrongFile before writing anything when the file is not this kind of file.
    Each batch is written in its own transaction: a run stopped half-way leaves whole batches,
    and running it again completes the year.
    """
    report = progress or _noop
    layout = detect_layout(read_header(path))
    total = count_rows(path)
    summary = ImportSummary(header_style=layout.style, year=year, dry_run=dry_run)
    report("rows", 0, total)
    for batch in read_batches(path, layout, batch_rows=batch_rows):
        summary.read = batch.last_row_number - 1
        summary.skip(SKIP_OTHER_PROVIDER, batch.other_provider_types)
        summary.skip(SKIP_BAD, len(batch.bad))
        room = MAX_BAD_ROWS_KEPT - len(summary.bad_rows)
        if room > 0:
            summary.bad_rows.extend(batch.bad[:room])
        unique: dict[tuple[str, str, str], MedicareRow] = {}
        for row in batch.rows:
            if row.key in unique:
                summary.skip(SKIP_DUPLICATE)
            unique[row.key] = row
        new, existing = _write_lines(year, list(unique.values()), dry_run=dry_run, demo=demo)
        summary.imported += new
        summary.updated += existing
        report("rows", batch.last_row_number - 1, total)
    return summary


def _write_lines(year: int, rows: list[MedicareRow], *, dry_run: bool, demo: bool = False) -> tuple[int, int]:
    """Upsert one batch; returns (new rows, rows that were already there)."""
    if not rows:
        return 0, 0
    npis = sorted({row.npi for row in rows})
    existing: set[tuple[str, str, str]] = set()
    for chunk in _chunks(npis, 500):  # SQLite allows a limited number of query parameters
        existing.update(
            MedicareServiceLine.objects.filter(year=year, npi__in=chunk).values_list(
                "npi", "hcpcs_code", "place_of_service"
            )
        )
    already = sum(1 for row in rows if row.key in existing)
    if dry_run:
        return len(rows) - already, already
    lines = [
        MedicareServiceLine(
            year=year,
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
            is_demo=demo,
        )
        for row in rows
    ]
    with transaction.atomic():
        MedicareServiceLine.objects.bulk_create(
            lines,
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["year", "npi", "hcpcs_code", "place_of_service"],
            update_fields=_LINE_FIELDS,
        )
    return len(rows) - already, already


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
        ClinicBillingYear.objects.filter(year=year).delete()
        ClinicianBillingYear.objects.filter(year=year).delete()
        ClinicianBillingYear.objects.bulk_create(
            (_clinician_row(year, f, p) for f, p in zip(facts, percentiles, strict=True)), batch_size=WRITE_BATCH
        )
        clinic_rows = _clinic_rollups(year, [f for f in facts if f.indicators.shown], summary)
        ClinicBillingYear.objects.bulk_create(clinic_rows, batch_size=WRITE_BATCH)
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
        beneficiaries=c.beneficiaries,
        services=c.services,
        timed_units=c.timed_units,
        group_services=c.group_services,
        timed_units_per_visit=c.timed_units_per_visit,
        timed_units_per_visit_by_code=c.timed_units_per_visit_by_code,
        group_share=c.group_share,
        visits_per_beneficiary=c.visits_per_beneficiary,
        timed_units_per_visit_percentile=percentiles.get("timed_units_per_visit"),
        group_share_percentile=percentiles.get("group_share"),
        visits_per_beneficiary_percentile=percentiles.get("visits_per_beneficiary"),
        visits_percentile=percentiles.get("visits"),
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
    members: dict[tuple[int, str], list[_ClinicianFacts]] = defaultdict(list)
    by_roster: set[tuple[int, str]] = set()
    for facts in shown:
        discipline = core.THERAPIST_PROVIDER_TYPES.get(facts.indicators.provider_type)
        if discipline is None:
            continue
        npi = facts.indicators.npi
        if npi in roster:
            summary.linked_by_roster += 1
            clinic_ids = roster[npi]
        elif npi in address:
            summary.linked_by_address += 1
            clinic_ids = address[npi]
        else:
            summary.unlinked_clinicians += 1
            continue
        # One clinician at several locations counts at each: the file does not say where
        # each visit happened.
        for clinic_id in clinic_ids:
            members[(clinic_id, discipline.value)].append(facts)
            if npi in roster:
                by_roster.add((clinic_id, discipline.value))
    states = dict(Clinic.objects.filter(id__in={cid for cid, _ in members}).values_list("id", "state"))
    rows: list[ClinicBillingYear] = []
    for (clinic_id, discipline_code), people in sorted(members.items()):
        figures = core.roll_up(p.indicators for p in people)
        if figures is None:
            continue
        rows.append(
            ClinicBillingYear(
                clinic_id=clinic_id,
                year=year,
                discipline=discipline_code,
                state=states.get(clinic_id, ""),
                clinicians=figures.clinicians,
                visits=figures.visits,
                beneficiaries=figures.beneficiaries,
                timed_units_per_visit=figures.timed_units_per_visit,
                group_share=figures.group_share,
                visits_per_beneficiary=figures.visits_per_beneficiary,
                linked_by=(
                    ClinicBillingYear.LinkedBy.ROSTER
                    if (clinic_id, discipline_code) in by_roster
                    else ClinicBillingYear.LinkedBy.ADDRESS
                ),
                is_demo=any(p.is_demo for p in people),
            )
        )
    _clinic_percentiles(rows)
    return rows


def _clinic_percentiles(rows: list[ClinicBillingYear]) -> None:
    """Percentiles of each clinic among clinics of the same discipline and state."""

    def peers(row: ClinicBillingYear) -> tuple[str, str, bool]:
        return (row.discipline, row.state, row.is_demo)

    sizes = Counter(peers(row) for row in rows)
    for name in core.INDICATOR_NAMES:
        ranks = core.peer_percentiles(rows, peers, lambda row, name=name: float(getattr(row, name)))  # type: ignore[misc]
        for row, rank in zip(rows, ranks, strict=True):
            setattr(row, f"{name}_percentile", rank)
    for row in rows:
        row.peer_clinics = sizes[peers(row)]
