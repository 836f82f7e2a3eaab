"""The one evidence path: every source's evidence about clinics, for one therapy or all.

Every page, API endpoint, sort, alternatives list and compare table gets its evidence here
and nowhere else, so two of them can never disagree about the same clinic. (Sorting by
verdict and alternatives read the verdict's stored sums, ``caretime.verdicts.sums``: a cache
computed from this path whenever a source says its evidence changed.) Each source keeps
its own rules of what counts (e.g. only counted call reports, the latest billing year); this
module only gathers. A new source (reviews with facts) joins by adding its reader to
``_SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from caretime.billing.selectors import billing_evidence_for_clinics
from caretime.clinicside.selectors import statement_evidence_for_clinics
from caretime.core.evidence import Evidence, EvidenceKey
from caretime.reports.selectors import call_evidence_for_clinics, visit_evidence_for_clinics
from caretime.workplace.selectors import worker_evidence_for_clinics

EvidenceByKey = dict[EvidenceKey, list[Evidence]]

_SOURCES: tuple[Callable[[Sequence[int], str | None], EvidenceByKey], ...] = (
    call_evidence_for_clinics,
    visit_evidence_for_clinics,
    worker_evidence_for_clinics,
    billing_evidence_for_clinics,
    statement_evidence_for_clinics,
)


def _merged(found: list[EvidenceByKey]) -> EvidenceByKey:
    merged: EvidenceByKey = {}
    for source in found:
        for key, evidence in source.items():
            merged.setdefault(key, []).extend(evidence)
    return merged


def evidence_for_clinics(clinic_ids: Sequence[int], discipline: str | None = None) -> EvidenceByKey:
    """All evidence about a few clinics (a page of results, a clinic page): one query a source."""
    if not clinic_ids:
        return {}
    return _merged([for_clinics(clinic_ids, discipline) for for_clinics in _SOURCES])
