"""Reads for verdicts: evidence per clinic, the clinic page, search by verdict, alternatives.

Every function here reads a fixed number of queries whatever the number of clinics or
reports: evidence is fetched as plain tuples in one query (by clinic ids for a page, or by
the search box for a whole radius) and judged in Python by caretime.core.verdict.
"""

from __future__ import annotations

import enum
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from caretime.billing.selectors import billing_evidence_for_clinics
from caretime.core.calls import CARE_LABELS, FOLLOW_UP_LABELS, VISITS_LABELS, Care, FollowUpBy, Visits
from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.geo import BoundingBox, Point, bounding_box, distance_miles
from caretime.core.verdict import (
    NOTHING_KNOWN,
    STATED_SOURCES,
    Assessment,
    Bar,
    Disagreement,
    QuickVerdict,
    Verdict,
    assess,
    quick_verdict,
    stated_versus_reported,
)
from caretime.directory.models import Clinic, ClinicService, DisciplineChoices
from caretime.directory.selectors import PAGE_SIZE, ClinicSearch, PageNumbers, search_clinics, with_listing_details
from caretime.reports.models import EVIDENCE_COLUMNS, CallReport, answers_from_row, evidence_from_row

EvidenceKey = tuple[int, str]  # (clinic id, discipline code)
MIN_FIGURE_REPORTS = 3  # no number is shown from fewer reports


class Sort(enum.StrEnum):
    DISTANCE = "distance"
    VERDICT = "verdict"


# --- evidence -------------------------------------------------------------------------


def _group(rows: Iterable[tuple[object, ...]]) -> dict[EvidenceKey, list[Evidence]]:
    found: dict[EvidenceKey, list[Evidence]] = {}
    for row in rows:
        clinic_id, discipline = row[0], row[1]
        assert isinstance(clinic_id, int)
        assert isinstance(discipline, str)
        found.setdefault((clinic_id, discipline), []).append(evidence_from_row(row[2:]))
    return found


def _merged(*sources: dict[EvidenceKey, list[Evidence]]) -> dict[EvidenceKey, list[Evidence]]:
    merged: dict[EvidenceKey, list[Evidence]] = {}
    for source in sources:
        for key, evidence in source.items():
            merged.setdefault(key, []).extend(evidence)
    return merged


def evidence_for_clinics(clinic_ids: Sequence[int], discipline: str | None = None) -> dict[EvidenceKey, list[Evidence]]:
    """All evidence about a few clinics (a page of results): one query per source.

    Sources so far: call reports and Medicare billing; others join here as they arrive.
    """
    if not clinic_ids:
        return {}
    reports = CallReport.objects.filter(clinic_id__in=list(clinic_ids))
    if discipline:
        reports = reports.filter(discipline=discipline)
    calls = _group(reports.values_list("clinic_id", "discipline", *EVIDENCE_COLUMNS))
    return _merged(calls, billing_evidence_for_clinics(clinic_ids, discipline))


def evidence_in_box(box: BoundingBox, discipline: str | None = None) -> dict[EvidenceKey, list[Evidence]]:
    """All evidence about the clinics inside a search box, in one query (no id list)."""
    reports = CallReport.objects.filter(
        clinic__latitude__gte=box.min_latitude,
        clinic__latitude__lte=box.max_latitude,
        clinic__longitude__gte=box.min_longitude,
        clinic__longitude__lte=box.max_longitude,
    )
    if discipline:
        reports = reports.filter(discipline=discipline)
    return _group(reports.values_list("clinic_id", "discipline", *EVIDENCE_COLUMNS))


class Judge:
    """Verdicts for many clinics under one bar. Ranking uses ``quick_verdict`` (the same rule
    without the reasons); full assessments are made only for the clinics shown."""

    def __init__(self, evidence: dict[EvidenceKey, list[Evidence]], bar: Bar, as_of: date) -> None:
        self.evidence = evidence
        self.bar = bar
        self.as_of = as_of
        self.nothing = assess([], bar, as_of=as_of)
        self._done: dict[EvidenceKey, Assessment] = {}
        self._quick: dict[EvidenceKey, QuickVerdict] = {}

    def __call__(self, clinic_id: int, discipline: str) -> Assessment:
        key = (clinic_id, discipline)
        if key not in self.evidence:
            return self.nothing
        if key not in self._done:
            self._done[key] = assess(self.evidence[key], self.bar, as_of=self.as_of)
        return self._done[key]

    def verdict(self, clinic_id: int, discipline: str) -> Verdict:
        return self.quick(clinic_id, discipline).verdict

    def strength(self, clinic_id: int, discipline: str) -> float:
        return self.quick(clinic_id, discipline).strength

    def quick(self, clinic_id: int, discipline: str) -> QuickVerdict:
        key = (clinic_id, discipline)
        if key not in self.evidence:
            return NOTHING_KNOWN
        if key not in self._quick:
            self._quick[key] = quick_verdict(self.evidence[key], self.bar, as_of=self.as_of)
        return self._quick[key]


# --- one clinic -----------------------------------------------------------------------


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


@dataclass(frozen=True)
class DisciplineCareTime:
    discipline: str
    label: str
    assessment: Assessment
    stated: CallSpread
    reported_counts: tuple[tuple[EvidenceSource, int], ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def reported_total(self) -> int:
        return sum(n for _, n in self.reported_counts)


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


def care_time_for(clinic: Clinic, discipline: str, bar: Bar, *, as_of: date) -> DisciplineCareTime:
    return clinic_care_time(clinic, bar, as_of=as_of, only=discipline)[0]


def clinic_care_time(clinic: Clinic, bar: Bar, *, as_of: date, only: str | None = None) -> list[DisciplineCareTime]:
    """Per discipline the clinic offers (or has reports for): verdict, stated and reported."""
    reports = CallReport.objects.filter(clinic=clinic)
    if only:
        reports = reports.filter(discipline=only)
    rows = list(reports.values_list("discipline", *EVIDENCE_COLUMNS))
    by_discipline: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        by_discipline.setdefault(str(row[0]), []).append(row[1:])
    codes = (
        [only]
        if only
        else [c.value for c in DisciplineChoices if c.value in set(clinic.disciplines) | set(by_discipline)]
    )
    billing = billing_evidence_for_clinics([clinic.pk], only)
    return [
        _care_time(code, by_discipline.get(code, []), billing.get((clinic.pk, code), []), bar, as_of) for code in codes
    ]


def _care_time(
    code: str, call_rows: list[tuple[object, ...]], billing: list[Evidence], bar: Bar, as_of: date
) -> DisciplineCareTime:
    # People's words (calls, and later patient and worker reports) are compared with each
    # other; billing has its own section on the page and joins only the verdict.
    said = [evidence_from_row(row) for row in call_rows]
    reported = Counter(e.source for e in said if e.source not in STATED_SOURCES)
    return DisciplineCareTime(
        discipline=code,
        label=DisciplineChoices(code).label,
        assessment=assess([*said, *billing], bar, as_of=as_of),
        stated=_spread(call_rows),
        reported_counts=tuple(sorted(reported.items())),
        disagreements=stated_versus_reported(said, bar, as_of=as_of),
    )


# --- many clinics ---------------------------------------------------------------------


def _within(
    center: Point,
    radius_miles: float,
    *,
    discipline: str | None,
    insurance: str | None = None,
    exclude_id: int | None = None,
) -> tuple[BoundingBox, list[tuple[float, int]]]:
    """(box, [(miles, clinic id)]) of active clinics within the radius, nearest first."""
    box = bounding_box(center, radius_miles)
    clinics = Clinic.objects.active().filter(
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
        longitude__gte=box.min_longitude,
        longitude__lte=box.max_longitude,
    )
    if discipline:
        clinics = clinics.offering(discipline)
    if insurance:
        clinics = clinics.accepting(insurance)
    if exclude_id is not None:
        clinics = clinics.exclude(pk=exclude_id)
    within = []
    for clinic_id, latitude, longitude in clinics.values_list("id", "latitude", "longitude"):
        miles = distance_miles(center, Point(latitude, longitude))
        if miles <= radius_miles:
            within.append((miles, clinic_id))
    within.sort()
    return box, within


@dataclass(frozen=True)
class DisciplineVerdict:
    discipline: str
    label: str
    assessment: Assessment


@dataclass(frozen=True)
class VerdictHit:
    clinic: Clinic
    distance_miles: float | None
    verdicts: tuple[DisciplineVerdict, ...]

    @property
    def best(self) -> Verdict:
        return max((v.assessment.verdict for v in self.verdicts), key=lambda v: v.rank, default=Verdict.UNKNOWN)


@dataclass(frozen=True)
class VerdictSearchPage(PageNumbers):
    hits: list[VerdictHit]
    total: int
    page: int
    page_size: int
    sort: Sort
    bar: Bar
    discipline: str | None = None
    counts: dict[Verdict, int] = field(default_factory=dict)  # only known when sorted by verdict

    @property
    def verdict_counts(self) -> list[tuple[Verdict, int]]:
        """Clinics per verdict, Good first (known only when sorted by verdict)."""
        return [(v, self.counts[v]) for v in (Verdict.GOOD, Verdict.UNKNOWN, Verdict.AVOID) if self.counts.get(v)]


def _verdicts(clinic: Clinic, discipline: str | None, judge: Judge) -> tuple[DisciplineVerdict, ...]:
    codes = [discipline] if discipline else clinic.disciplines
    return tuple(DisciplineVerdict(code, DisciplineChoices(code).label, judge(clinic.pk, code)) for code in codes)


def search_with_verdicts(
    search: ClinicSearch, *, bar: Bar, sort: Sort, as_of: date, page: int = 1, page_size: int = PAGE_SIZE
) -> VerdictSearchPage:
    """The directory search with each clinic's verdict under the person's bar.

    By distance, the plain search runs unchanged and only the shown page is judged (one more
    query). By verdict, every clinic in the radius is judged from one query of evidence
    fetched by the search box, then sorted Good, Unknown, Avoid and by distance within each.
    """
    if sort == Sort.DISTANCE or search.center is None:
        plain = search_clinics(search, page=page, page_size=page_size)
        judge = Judge(evidence_for_clinics([h.clinic.pk for h in plain.hits], search.discipline), bar, as_of)
        hits = [
            VerdictHit(h.clinic, h.distance_miles, _verdicts(h.clinic, search.discipline, judge)) for h in plain.hits
        ]
        return VerdictSearchPage(hits, plain.total, page, page_size, Sort.DISTANCE, bar, search.discipline)

    box, within = _within(search.center, search.radius_miles, discipline=search.discipline, insurance=search.insurance)
    judge = Judge(evidence_in_box(box, search.discipline), bar, as_of)
    if search.discipline:
        offered: dict[int, list[str]] = {}
        discipline = search.discipline

        def best(clinic_id: int) -> Verdict:
            return judge.verdict(clinic_id, discipline)
    else:
        offered = {}
        for clinic_id, code in ClinicService.objects.filter(
            clinic__latitude__gte=box.min_latitude,
            clinic__latitude__lte=box.max_latitude,
            clinic__longitude__gte=box.min_longitude,
            clinic__longitude__lte=box.max_longitude,
        ).values_list("clinic_id", "discipline"):
            offered.setdefault(clinic_id, []).append(code)

        def best(clinic_id: int) -> Verdict:
            verdicts = [judge.verdict(clinic_id, code) for code in offered.get(clinic_id, [])]
            return max(verdicts, key=lambda v: v.rank, default=Verdict.UNKNOWN)

    ranked = sorted((-best(cid).rank, miles, cid) for miles, cid in within)
    counts = Counter(best(cid) for _, _, cid in ranked)
    offset = (page - 1) * page_size
    shown = ranked[offset : offset + page_size]
    by_id = with_listing_details(Clinic.objects.all()).in_bulk([cid for _, _, cid in shown])
    hits = [VerdictHit(by_id[cid], miles, _verdicts(by_id[cid], search.discipline, judge)) for _, miles, cid in shown]
    return VerdictSearchPage(hits, len(ranked), page, page_size, Sort.VERDICT, bar, search.discipline, dict(counts))


@dataclass(frozen=True)
class Alternative:
    clinic: Clinic
    distance_miles: float
    assessment: Assessment


@dataclass(frozen=True)
class Alternatives:
    """Clinics to go to instead: Good ones when there are any, else the best-known Unknowns."""

    items: tuple[Alternative, ...]
    kind: Verdict  # GOOD or UNKNOWN
    radius_miles: float
    discipline: str


ALTERNATIVES_SHOWN = 5


def alternatives_for(
    *, clinic: Clinic, discipline: str, bar: Bar, radius_miles: float, as_of: date, limit: int = ALTERNATIVES_SHOWN
) -> Alternatives:
    """The nearest clinics within the radius whose verdict is Good for this discipline and bar;
    when none is Good, the Unknown ones with the most evidence (none with evidence against)."""
    box, within = _within(clinic.point, radius_miles, discipline=discipline, exclude_id=clinic.pk)
    judge = Judge(evidence_in_box(box, discipline), bar, as_of)
    good = [(miles, cid) for miles, cid in within if judge.verdict(cid, discipline) == Verdict.GOOD][:limit]
    kind = Verdict.GOOD
    picked = good
    if not good:
        kind = Verdict.UNKNOWN
        unknown = [(miles, cid) for miles, cid in within if judge.verdict(cid, discipline) == Verdict.UNKNOWN]
        unknown.sort(key=lambda mc: (-round(judge.strength(mc[1], discipline), 6), mc[0], mc[1]))
        picked = unknown[:limit]
    by_id = with_listing_details(Clinic.objects.all()).in_bulk([cid for _, cid in picked])
    items = tuple(Alternative(by_id[cid], miles, judge(cid, discipline)) for miles, cid in picked)
    return Alternatives(items, kind, radius_miles, discipline)


@dataclass(frozen=True)
class ComparedClinic:
    clinic: Clinic
    distance_miles: float | None
    care_time: DisciplineCareTime


def compare_clinics(
    clinic_ids: Sequence[int], *, discipline: str, bar: Bar, as_of: date, center: Point | None
) -> list[ComparedClinic]:
    """2-4 clinics side by side, in the order asked, with their verdicts and stated answers."""
    by_id = with_listing_details(Clinic.objects.all()).in_bulk(list(clinic_ids))
    rows = CallReport.objects.filter(clinic_id__in=list(by_id), discipline=discipline).values_list(
        "clinic_id", *EVIDENCE_COLUMNS
    )
    per_clinic: dict[int, list[tuple[object, ...]]] = {}
    for row in rows:
        clinic_id = row[0]
        assert isinstance(clinic_id, int)
        per_clinic.setdefault(clinic_id, []).append(row[1:])
    billing = billing_evidence_for_clinics(list(by_id), discipline)
    found = []
    for clinic_id in clinic_ids:
        clinic = by_id.get(clinic_id)
        if clinic is None:
            continue
        care_time = _care_time(
            discipline, per_clinic.get(clinic_id, []), billing.get((clinic_id, discipline), []), bar, as_of
        )
        distance = distance_miles(center, clinic.point) if center else None
        found.append(ComparedClinic(clinic, distance, care_time))
    return found
