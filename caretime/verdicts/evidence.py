"""The one evidence path: every source's evidence about clinics, for one therapy or all.

Every page, API endpoint, sort, alternatives list and compare table gets its evidence here
and nowhere else, so two of them can never disagree about the same clinic. (Sorting by
verdict and alternatives read the verdict's stored sums, ``caretime.verdicts.sums``: a cache
computed from this path whenever a source says its evidence changed.) Each source keeps
its own rules of what counts (e.g. only counted call reports, the latest billing year); this
module only gathers. A new source (reviews with facts) joins by adding its read and its
evidence from what it read to ``_SOURCES``.

Each source's rows are read with SQL compiled once per process, and all of them together, in
one round trip on PostgreSQL (``caretime.directory.clinic_rows``): compiling the ORM's queries
cost more than reading, and each round trip about as much again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from caretime.billing.selectors import billing_evidence_of, billing_rows
from caretime.clinicside.selectors import standing_statement_rows, statement_evidence_of
from caretime.core.evidence import Evidence, EvidenceKey
from caretime.directory.clinic_rows import ClinicRead, read_together
from caretime.reports.selectors import call_evidence_of, counted_call_rows, counted_visit_rows, visit_evidence_of
from caretime.workplace.selectors import Workplace, figure_rows, worker_evidence_of, workplaces_of

EvidenceByKey = dict[EvidenceKey, list[Evidence]]


class _Source(NamedTuple):
    rows: ClinicRead[Any]  # the source's rows of a few clinics
    evidence: Callable[[list[Any]], EvidenceByKey]  # its evidence from those rows


_SOURCES = (
    _Source(counted_call_rows, call_evidence_of),
    _Source(counted_visit_rows, visit_evidence_of),
    _Source(figure_rows, worker_evidence_of),
    _Source(billing_rows, billing_evidence_of),
    _Source(standing_statement_rows, statement_evidence_of),
)
# Where the published worker figures are read, which the clinic's page shows too.
_WORKERS = next(at for at, source in enumerate(_SOURCES) if source.rows is figure_rows)


def _merged(found: list[EvidenceByKey]) -> EvidenceByKey:
    merged: EvidenceByKey = {}
    for source in found:
        for key, evidence in source.items():
            merged.setdefault(key, []).extend(evidence)
    return merged


def _rows(clinic_ids: Sequence[int], discipline: str | None) -> list[list[Any]]:
    return read_together([source.rows for source in _SOURCES], clinic_ids, discipline)


def _evidence(rows: list[list[Any]]) -> EvidenceByKey:
    return _merged([source.evidence(found) for source, found in zip(_SOURCES, rows, strict=True)])


def evidence_for_clinics(clinic_ids: Sequence[int], discipline: str | None = None) -> EvidenceByKey:
    """All evidence about a few clinics (a page of results, a clinic page): one statement a source."""
    if not clinic_ids:
        return {}
    return _evidence(_rows(clinic_ids, discipline))


class Gathered(NamedTuple):
    evidence: EvidenceByKey
    workplaces: dict[EvidenceKey, Workplace]  # the published figures, which a clinic's page shows too
    also: list[list[Any]]  # what each read of ``also`` gave, in their order


def gathered(
    clinic_ids: Sequence[int], discipline: str | None = None, *, also: Sequence[ClinicRead[Any]] = ()
) -> Gathered:
    """``evidence_for_clinics``, the clinics' published workplace figures (read once, for the
    evidence and the page), and what each of ``also`` reads of the same clinics (a clinic's
    page and verdict ask a little more of the reports): one round trip on PostgreSQL."""
    reads = [*(source.rows for source in _SOURCES), *also]
    rows = read_together(reads, clinic_ids, discipline)
    sources = rows[: len(_SOURCES)]
    return Gathered(_evidence(sources), workplaces_of(sources[_WORKERS]), rows[len(_SOURCES) :])
