"""The derived tables, kept one way: the Care Time sums (``caretime.reports``) and the verdict's
stored sums (``caretime.verdicts.sums``) are computed from the reports, and follow every write
that changes what counts.

Every write of evidence is a top-level action (``caretime.verdicts.actions``): it calls the
source's service, then ``keep_derived`` with what the write changed, in one transaction with
the clinic locked. So a derived table is never behind its reports, and what keeps it current is
visible where the write is. After a restore or a bulk load, ``rebuild_derived`` (the
``rebuild_derived`` command) computes every table again from the reports. A new derived table
joins here, in both functions and in ``DERIVED_TABLES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caretime.core.evidence import EvidenceKey
from caretime.directory.planner import refresh_planner_statistics
from caretime.reports.models import ClinicCareTime, RegionCareTime, VisitReport
from caretime.reports.services import keep_care_time, rebuild_care_time
from caretime.shared.evidence_generation import EVIDENCE
from caretime.verdicts.models import VerdictSums
from caretime.verdicts.sums import rebuild_verdict_sums, refresh_verdict_sums

# Every derived table: each is written whole by a rebuild.
DERIVED_TABLES = (ClinicCareTime, RegionCareTime, VerdictSums)


@dataclass(frozen=True)
class Changed:
    """What one write changed: the (clinic, therapy) pairs whose evidence changed, and the visit
    reports filed (or released by a moderator) and withdrawn, whose Care Time moves with them."""

    evidence: frozenset[EvidenceKey] = frozenset()
    visits_filed: tuple[VisitReport, ...] = ()
    visits_withdrawn: tuple[VisitReport, ...] = ()

    @classmethod
    def of_evidence(cls, keys: Iterable[EvidenceKey]) -> Changed:
        return cls(evidence=frozenset(keys))

    def keys(self) -> list[EvidenceKey]:
        visits = {(report.clinic_id, report.discipline) for report in (*self.visits_filed, *self.visits_withdrawn)}
        return sorted(self.evidence | visits)


def keep_derived(changed: Changed) -> None:
    """Bring every derived table in step with a write, inside the write's transaction."""
    EVIDENCE.changed()
    for report in changed.visits_filed:
        keep_care_time(report, step=1)
    for report in changed.visits_withdrawn:
        keep_care_time(report, step=-1)
    keys = changed.keys()
    if keys:
        refresh_verdict_sums(keys)


@dataclass(frozen=True)
class Rebuilt:
    care_time_rows: int
    verdict_sums_rows: int


def rebuild_derived() -> Rebuilt:
    """Every derived table computed again from the reports: after a restore or a bulk load. The
    Care Time sums first: the verdict's sums do not read them, but a page does."""
    EVIDENCE.changed()
    rebuilt = Rebuilt(care_time_rows=rebuild_care_time(), verdict_sums_rows=rebuild_verdict_sums())
    # Written whole: at 100,000 clinics PostgreSQL read a region's stored sums by scanning
    # every row (33 ms for 2,800 clinics) with the figures of the tables as they were.
    refresh_planner_statistics(DERIVED_TABLES)
    # Once more when done: a process that read the tables while they were being rebuilt (outside
    # a transaction) kept what it read under the generation started above.
    EVIDENCE.changed()
    return rebuilt
