"""Reads of call reports: the evidence they give the verdict, and what clinics said.

Only reports whose standing counts (``caretime.core.evidence.COUNTING``) are read, as plain
tuples in one query per call, by clinic ids (a page) or by search box (a whole radius).
Pages get this evidence through ``caretime.verdicts.evidence``, never from here directly.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from caretime.core.calls import CARE_LABELS, FOLLOW_UP_LABELS, VISITS_LABELS, Care, FollowUpBy, Visits
from caretime.core.evidence import COUNTING, Evidence, Standing
from caretime.core.geo import BoundingBox
from caretime.directory.models import in_box
from caretime.reports.models import EVIDENCE_COLUMNS, CallReport, answers_from_row, evidence_from_row

EvidenceKey = tuple[int, str]  # (clinic id, discipline code)
MIN_FIGURE_REPORTS = 3  # no number is shown from fewer reports


def _counted(discipline: str | None) -> QuerySet[CallReport]:
    reports = CallReport.objects.filter(standing__in=[s.value for s in COUNTING])
    return reports.filter(discipline=discipline) if discipline else reports


def _rows_by_key(rows: Iterable[tuple[object, ...]]) -> dict[EvidenceKey, list[tuple[object, ...]]]:
    found: dict[EvidenceKey, list[tuple[object, ...]]] = {}
    for row in rows:
        clinic_id, discipline = row[0], row[1]
        assert isinstance(clinic_id, int)
        assert isinstance(discipline, str)
        found.setdefault((clinic_id, discipline), []).append(row[2:])
    return found


def _evidence(rows: Iterable[tuple[object, ...]]) -> dict[EvidenceKey, list[Evidence]]:
    return {key: [evidence_from_row(row) for row in found] for key, found in _rows_by_key(rows).items()}


def call_evidence_for_clinics(
    clinic_ids: Sequence[int], discipline: str | None = None
) -> dict[EvidenceKey, list[Evidence]]:
    if not clinic_ids:
        return {}
    reports = _counted(discipline).filter(clinic_id__in=list(clinic_ids))
    return _evidence(reports.values_list("clinic_id", "discipline", *EVIDENCE_COLUMNS))


def call_evidence_in_box(box: BoundingBox, discipline: str | None = None) -> dict[EvidenceKey, list[Evidence]]:
    reports = _counted(discipline).filter(in_box(box, via="clinic__"))
    return _evidence(reports.values_list("clinic_id", "discipline", *EVIDENCE_COLUMNS))


@dataclass(frozen=True)
class CallSpread:
    """What the clinic said on calls: how many calls, the spread of answers, how recent."""

    calls: int = 0
    newest: date | None = None
    minutes: tuple[int, ...] = ()
    minutes_withheld: int = 0
    care: tuple[tuple[str, int], ...] = ()
    visits: tuple[tuple[str, int], ...] = ()
    follow_up: tuple[tuple[str, int], ...] = ()
    visit_lengths: tuple[int, ...] = ()

    @property
    def minutes_figures(self) -> tuple[int, float, int] | None:
        """Lowest, median, highest; only from at least ``MIN_FIGURE_REPORTS`` answers."""
        if len(self.minutes) < MIN_FIGURE_REPORTS:
            return None
        return min(self.minutes), statistics.median(self.minutes), max(self.minutes)

    @property
    def minutes_bands(self) -> tuple[tuple[str, int], ...]:
        bands = Counter("30 or less" if m <= 30 else "31 to 44" if m < 45 else "45 or more" for m in self.minutes)
        return tuple((label, bands[label]) for label in ("30 or less", "31 to 44", "45 or more") if bands[label])

    @property
    def visit_length_figures(self) -> tuple[int, float, int] | None:
        if len(self.visit_lengths) < MIN_FIGURE_REPORTS:
            return None
        return min(self.visit_lengths), statistics.median(self.visit_lengths), max(self.visit_lengths)


def _spread(rows: list[tuple[object, ...]]) -> CallSpread:
    if not rows:
        return CallSpread()
    answers = [answers_from_row(row) for row in rows]
    care, visits, follow_up = Counter[str](), Counter[str](), Counter[str]()
    for _, a in answers:
        care[str(a.care)] += 1
        visits[str(a.visits)] += 1
        follow_up[str(a.follow_up_by)] += 1
    return CallSpread(
        calls=len(answers),
        newest=max(called_in for called_in, _ in answers),
        minutes=tuple(sorted(a.therapist_minutes for _, a in answers if a.therapist_minutes is not None)),
        minutes_withheld=sum(1 for _, a in answers if a.minutes_withheld),
        care=tuple((CARE_LABELS[c], care[c.value]) for c in Care if care[c.value]),
        visits=tuple((VISITS_LABELS[v], visits[v.value]) for v in Visits if visits[v.value]),
        follow_up=tuple((FOLLOW_UP_LABELS[f], follow_up[f.value]) for f in FollowUpBy if follow_up[f.value]),
        visit_lengths=tuple(sorted(a.visit_length_minutes for _, a in answers if a.visit_length_minutes is not None)),
    )


@dataclass(frozen=True)
class StatedAnswers:
    """What clinics said on the calls that count, and which clinics have reports held for review."""

    spreads: dict[EvidenceKey, CallSpread]
    under_review: frozenset[int]  # clinic ids with reports held after a burst

    def spread(self, clinic_id: int, discipline: str) -> CallSpread:
        return self.spreads.get((clinic_id, discipline), CallSpread())


def stated_answers(clinic_ids: Sequence[int], discipline: str | None = None) -> StatedAnswers:
    """For the stated-answers panel of a few clinics, in one query."""
    if not clinic_ids:
        return StatedAnswers({}, frozenset())
    reports = CallReport.objects.filter(clinic_id__in=list(clinic_ids)).exclude(standing=Standing.REJECTED.value)
    if discipline:
        reports = reports.filter(discipline=discipline)
    counting = {s.value for s in COUNTING}
    rows: list[tuple[object, ...]] = []
    held: set[int] = set()
    for clinic_id, code, standing, *columns in reports.values_list(
        "clinic_id", "discipline", "standing", *EVIDENCE_COLUMNS
    ):
        if standing == Standing.HELD.value:
            held.add(clinic_id)
        if standing in counting:
            rows.append((clinic_id, code, *columns))
    return StatedAnswers({key: _spread(found) for key, found in _rows_by_key(rows).items()}, frozenset(held))
