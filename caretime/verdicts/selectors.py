"""Reads for verdicts: one clinic's care time, search by verdict, alternatives, compare.

Every function reads its evidence through ``caretime.verdicts.evidence`` and judges it with
``caretime.core.verdict``, in a fixed number of queries whatever the number of clinics or
reports. Ranking many clinics reads one row of stored sums per clinic and therapy
(``caretime.verdicts.sums``, a cache of the same evidence, mirrored in each process per
evidence generation) and judges it with ``judge_sums`` (the same rule without the reasons);
full assessments, from the evidence itself, are made only for the clinics shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import NamedTuple

import numpy as np

from caretime.core.care_time import CareTimeProfile
from caretime.core.evidence import Evidence, EvidenceKey, EvidenceSource
from caretime.core.geo import Point, distance_miles
from caretime.core.kept import Kept
from caretime.core.verdict import (
    NOTHING_KNOWN,
    STATED_SOURCES,
    Assessment,
    Bar,
    Disagreement,
    QuickVerdict,
    Status,
    VerdictSummary,
    assess,
    quick_verdict,
    stated_versus_reported,
)
from caretime.directory.geo_index import FloatArray, GeoIndex, IntArray, geo_index, ranked_order
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.directory.search_cache import directory_generation
from caretime.directory.selectors import (
    PAGE_SIZE,
    ClinicSearch,
    PageNumbers,
    clinics_for_listing,
    search_clinics,
    with_listing_details,
)
from caretime.reports.selectors import HELD_READS, STATED_READS, CallSpread, care_time_profiles, stated_answers_of
from caretime.shared.evidence_generation import EVIDENCE
from caretime.shared.kept_everywhere import KeptEverywhere
from caretime.verdicts.evidence import evidence_for_clinics, gathered
from caretime.verdicts.kept_answers import made_of_under
from caretime.verdicts.sums import (
    RowVerdicts,
    StoredOrGrown,
    StoredSums,
    judged_all,
    stored_sums,
    summaries,
)
from caretime.workplace.selectors import Workplace


class Judge:
    """Verdicts for many clinics under one bar, from evidence gathered once; with ``grown``
    (stored sums, ``grown_sums_for``), quick verdicts come from those instead of the evidence."""

    def __init__(
        self,
        evidence: dict[EvidenceKey, list[Evidence]],
        bar: Bar,
        as_of: date,
        grown: dict[EvidenceKey, StoredOrGrown] | None = None,
    ) -> None:
        self.evidence = evidence
        self.bar = bar
        self.as_of = as_of
        self._done: dict[EvidenceKey, Assessment] = {}
        # From stored sums, every quick verdict at once (thousands when ranking a radius).
        self._grown_verdicts = None if grown is None else judged_all(grown, bar, as_of)
        self._quick: dict[EvidenceKey, QuickVerdict] = {}

    @cached_property
    def nothing(self) -> Assessment:
        """The verdict of a clinic nobody told us anything about: made only when one is asked
        for (a results page whose clinics all have stored sums asks for none)."""
        return assess([], self.bar, as_of=self.as_of)

    def __call__(self, clinic_id: int, discipline: str) -> Assessment:
        key = (clinic_id, discipline)
        if key not in self.evidence:
            return self.nothing
        if key not in self._done:
            self._done[key] = assess(self.evidence[key], self.bar, as_of=self.as_of)
        return self._done[key]

    def quick(self, clinic_id: int, discipline: str) -> QuickVerdict:
        key = (clinic_id, discipline)
        if self._grown_verdicts is not None:
            return self._grown_verdicts.get(key, NOTHING_KNOWN)
        if key not in self.evidence:
            return NOTHING_KNOWN
        if key not in self._quick:
            self._quick[key] = quick_verdict(self.evidence[key], self.bar, as_of=self.as_of)
        return self._quick[key]


# --- one clinic -----------------------------------------------------------------------


@dataclass(frozen=True)
class DisciplineCareTime:
    discipline: str
    label: str
    assessment: Assessment
    stated: CallSpread
    reported_counts: tuple[tuple[EvidenceSource, int], ...]
    disagreements: tuple[Disagreement, ...]
    under_review: bool = False  # reports held after a burst wait for a moderator
    profile: CareTimeProfile | None = None  # what patients report; None before any counted visit report
    workplace: Workplace | None = None  # what clinicians report; None before any published figure

    @property
    def reported_total(self) -> int:
        return sum(n for _, n in self.reported_counts)


def _care_time(
    code: str,
    evidence: list[Evidence],
    stated: CallSpread,
    bar: Bar,
    as_of: date,
    *,
    under_review: bool,
    profile: CareTimeProfile | None,
    workplace: Workplace | None,
) -> DisciplineCareTime:
    # People's words (calls, patient reports, and later worker reports) are compared with
    # each other; billing has its own section on the page and joins only the verdict.
    said = [e for e in evidence if e.source != EvidenceSource.BILLING]
    reported: Counter[EvidenceSource] = Counter()
    for item in said:
        if item.source not in STATED_SOURCES:
            reported[item.source] += item.reporters  # a published worker figure stands for many
    return DisciplineCareTime(
        discipline=code,
        label=DisciplineChoices(code).label,
        assessment=assess(evidence, bar, as_of=as_of),
        stated=stated,
        reported_counts=tuple(sorted(reported.items())),
        disagreements=stated_versus_reported(said, bar, as_of=as_of),
        under_review=under_review,
        profile=profile,
        workplace=workplace,
    )


def _care_times(keys: Sequence[EvidenceKey], discipline: str | None, bar: Bar, as_of: date) -> list[DisciplineCareTime]:
    clinic_ids = sorted({clinic_id for clinic_id, _ in keys})
    found = gathered(clinic_ids, discipline, also=STATED_READS)
    evidence, figures, stated = found.evidence, found.workplaces, stated_answers_of(*found.also)
    profiles = care_time_profiles(clinic_ids, discipline, as_of=as_of)
    return [
        _care_time(
            code,
            evidence.get((clinic_id, code), []),
            stated.spread(clinic_id, code),
            bar,
            as_of,
            under_review=clinic_id in stated.under_review,
            profile=profiles.get((clinic_id, code)),
            workplace=figures.get((clinic_id, code)),
        )
        for clinic_id, code in keys
    ]


def care_times(clinic_ids: Sequence[int], discipline: str, bar: Bar, *, as_of: date) -> dict[int, DisciplineCareTime]:
    """One therapy's care time at several clinics (compare, or one clinic's verdict page)."""
    found = _care_times([(clinic_id, discipline) for clinic_id in clinic_ids], discipline, bar, as_of)
    return dict(zip(clinic_ids, found, strict=True))


def verdict_for(clinic: Clinic, discipline: str, bar: Bar, *, as_of: date) -> tuple[Assessment, bool]:
    """One therapy's verdict at a clinic, and whether reports about it wait for a moderator:
    what the verdict API answers, without the stated answers, profile and workplace figures of
    the clinic's page (the same assessment, from the same evidence)."""
    found = gathered([clinic.pk], discipline, also=HELD_READS)
    held = any(found.also)  # the held reports of this clinic and therapy, calls or visits
    return assess(found.evidence.get((clinic.pk, discipline), []), bar, as_of=as_of), held


def care_time_for(clinic: Clinic, discipline: str, bar: Bar, *, as_of: date) -> DisciplineCareTime:
    return care_times([clinic.pk], discipline, bar, as_of=as_of)[clinic.pk]


# Every therapy's care time at a clinic, made once and kept for every worker
# (``caretime.shared.kept_everywhere``; ``caretime.verdicts.kept_answers`` says what the key
# holds). No language: what is kept is translated only when shown. Some kilobytes each.
CARE_TIMES_KEPT = 5_000
kept_care_times: KeptEverywhere[tuple[DisciplineCareTime, ...]] = KeptEverywhere("care-times", CARE_TIMES_KEPT)


def clinic_care_time(clinic: Clinic, bar: Bar, *, as_of: date, evidence: int) -> list[DisciplineCareTime]:
    """Per therapy the clinic offers (or has evidence for): verdict, stated and reported.
    ``evidence``: the evidence's generation the page read first (``EVIDENCE.read()``)."""
    key = made_of_under(evidence, clinic.pk, None, bar, as_of)
    every = kept_care_times.get(key)
    if every is None:
        every = tuple(_care_times([(clinic.pk, d.value) for d in DisciplineChoices], None, bar, as_of))
        kept_care_times.put(key, every)
    return [found for found in every if found.discipline in clinic.disciplines or found.assessment.reports]


# --- many clinics ---------------------------------------------------------------------


@dataclass(frozen=True)
class DisciplineVerdict:
    discipline: str
    label: str
    assessment: Assessment | VerdictSummary  # a list of results needs no reasons
    profile: CareTimeProfile | None = None


@dataclass(frozen=True)
class NextStep:
    """What to do next, once for all the therapies (``labels``) whose verdict says to do it."""

    status: Status
    labels: tuple[str, ...]
    every_therapy: bool  # the step is the same for every therapy shown: no need to name them


@dataclass(frozen=True)
class VerdictLine:
    """One line of a result's verdicts: the therapies (``labels``) that it says the same of."""

    labels: tuple[str, ...]
    assessment: Assessment | VerdictSummary
    every_therapy: bool


@dataclass(frozen=True)
class VerdictHit:
    clinic: Clinic
    distance_miles: float | None
    verdicts: tuple[DisciplineVerdict, ...]

    @property
    def best(self) -> Assessment | VerdictSummary | None:
        return max((v.assessment for v in self.verdicts), key=lambda a: a.sort_rank, default=None)

    @property
    def lines(self) -> list[VerdictLine]:
        """The verdicts, the therapies that read the same on one line: three therapies nobody
        reported on are one "not enough known", not three."""
        groups: dict[tuple[Status, bool, str], list[DisciplineVerdict]] = {}
        for v in self.verdicts:
            a = v.assessment
            groups.setdefault((a.status, a.early_signal, a.evidence_summary), []).append(v)
        lines = [
            VerdictLine(tuple(v.label for v in same), same[0].assessment, len(same) == len(self.verdicts))
            for same in groups.values()
        ]
        # Best first: the card shows the line the clinic ranks by, the others behind its disclosure.
        return sorted(lines, key=lambda line: -line.assessment.sort_rank)

    @property
    def next_step(self) -> NextStep | None:
        """The one next step of the card: that of the best verdict, the one the clinic ranks by,
        said once for every therapy with that verdict (a clinic offering three therapies that
        nobody reported says "call and ask" once, not three times)."""
        best = self.best
        if best is None:
            return None
        labels = tuple(v.label for v in self.verdicts if v.assessment.status == best.status)
        return NextStep(best.status, labels, every_therapy=len(labels) == len(self.verdicts))


@dataclass(frozen=True)
class VerdictSearchPage(PageNumbers):
    hits: list[VerdictHit]
    total: int
    page: int
    page_size: int
    bar: Bar
    discipline: str | None = None
    meeting: int | None = None  # clinics that meet the bar in the whole ranking; None when not all were judged
    only_meeting: bool = False


def _verdicts(
    clinic: Clinic,
    discipline: str | None,
    judge: Callable[[int, str], Assessment | VerdictSummary],
    profiles: dict[EvidenceKey, CareTimeProfile],
) -> tuple[DisciplineVerdict, ...]:
    codes = [discipline] if discipline else clinic.disciplines
    return tuple(
        DisciplineVerdict(code, DisciplineChoices(code).label, judge(clinic.pk, code), profiles.get((clinic.pk, code)))
        for code in codes
    )


def _nearest_page(search: ClinicSearch, *, bar: Bar, as_of: date, page: int, page_size: int) -> VerdictSearchPage:
    """The plain search's page (nearest first, or by name without a place), with the verdicts
    of the clinics on it."""
    plain = search_clinics(search, page=page, page_size=page_size)
    ids = [h.clinic.pk for h in plain.hits]
    judge = Judge(evidence_for_clinics(ids, search.discipline), bar, as_of)
    profiles = care_time_profiles(ids, search.discipline, as_of=as_of)
    hits = [
        VerdictHit(h.clinic, h.distance_miles, _verdicts(h.clinic, search.discipline, judge, profiles))
        for h in plain.hits
    ]
    return VerdictSearchPage(hits, plain.total, page, page_size, bar, search.discipline)


def search_with_verdicts(
    search: ClinicSearch,
    *,
    bar: Bar,
    as_of: date,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    only_meeting: bool = False,
) -> VerdictSearchPage:
    """The directory search with each clinic's verdict under the person's bar and its Care
    Time profile, the answer first: every clinic in the radius is judged from its stored
    sums, ranked (``rank_clinics``) and the page cut from the ranking (``page_of``). Without a
    place (nothing to rank by distance) the plain search runs and only its page is judged.
    """
    if search.center is None:
        return _nearest_page(search, bar=bar, as_of=as_of, page=page, page_size=page_size)
    ranking = rank_clinics(search, bar=bar, as_of=as_of, only_meeting=only_meeting)
    return page_of(ranking, search, bar=bar, as_of=as_of, page=page, page_size=page_size)


class Ranked(NamedTuple):
    verdict: QuickVerdict  # the clinic's verdict for the therapy searched, or its best one
    distance_miles: float
    clinic_id: int


@dataclass(frozen=True)
class Ranking:
    """Every clinic in the radius that the filter keeps, those that meet the bar first.

    Held as arrays over the rows of the directory index, in the order of their estimated
    distances; the exact distances are measured for the clinics a page shows (``page``)."""

    index: GeoIndex  # the one index that ranked them, which also lists them and tells their therapies
    center: Point
    rows: IntArray  # lexsorted by (group, estimated miles, clinic id)
    estimates: FloatArray
    groups: IntArray  # 0: meets the bar, 1: the rest
    verdicts: RowVerdicts  # what each row was judged, by row
    stored: StoredSums  # what they were judged from, which also summarises a page
    only_meeting: bool
    meeting: int  # clinics that meet the bar

    @property
    def total(self) -> int:
        return len(self.rows)

    def page(self, offset: int, limit: int) -> list[Ranked]:
        """The clinics ranked ``offset`` to ``offset + limit``, with their exact distances."""
        found = self.index.ranked_slice(self.center, self.rows, self.estimates, self.groups, offset=offset, limit=limit)
        return [Ranked(self.verdicts.verdict[row], miles, clinic_id) for miles, clinic_id, row in found]

    @property
    def ranked(self) -> list[Ranked]:
        """The whole ranking (every clinic measured exactly)."""
        return self.page(0, self.total)


def _stored_sums(index: GeoIndex) -> StoredSums:
    return stored_sums(index, EVIDENCE.current())


def rank_clinics(search: ClinicSearch, *, bar: Bar, as_of: date, only_meeting: bool = False) -> Ranking:
    """Judge every clinic in the radius from its stored sums and rank them: those that meet the
    bar first, then the rest, nearest first within each (``caretime.core.ranking``, in arrays:
    the same order); with ``only_meeting``, only those that meet the bar."""
    if search.center is None:
        raise ValueError("ranking needs a searched place")
    index = geo_index()
    rows, estimates = index.estimated_within(
        search.center, search.radius_miles, discipline=search.discipline, insurance=search.insurance
    )
    stored = _stored_sums(index)
    verdicts = stored.verdicts(rows, search.discipline, bar, as_of)  # no row: nothing known
    meets = verdicts.meets[rows]
    if only_meeting:
        rows, estimates, meets = rows[meets], estimates[meets], meets[meets]
    groups = (~meets).astype(np.int64)
    order = ranked_order(index.ids[rows], estimates, groups)
    return Ranking(
        index,
        search.center,
        rows[order],
        estimates[order],
        groups[order],
        verdicts,
        stored,
        only_meeting,
        int(np.count_nonzero(meets)),
    )


def page_of(
    ranking: Ranking, search: ClinicSearch, *, bar: Bar, as_of: date, page: int, page_size: int
) -> VerdictSearchPage:
    """One page of a ranking, its clinics listed with their verdicts as a list shows them
    (summarised from the sums they were ranked by; no report read) and their Care Time profiles.
    Sums stored before they kept their counts are assessed from the evidence instead."""
    shown = ranking.page((page - 1) * page_size, page_size)
    shown_ids = [r.clinic_id for r in shown]
    by_id = clinics_for_listing(shown_ids, ranking.index)
    keys = [
        (cid, code) for cid in by_id for code in ([search.discipline] if search.discipline else by_id[cid].disciplines)
    ]
    found = ranking.stored.found(keys, as_of)
    summarized = summaries(found, bar, as_of)
    unsummarized = sorted({cid for cid, code in keys if (cid, code) in found and (cid, code) not in summarized})
    judge = Judge(evidence_for_clinics(unsummarized, search.discipline) if unsummarized else {}, bar, as_of)
    profiles = care_time_profiles(shown_ids, search.discipline, as_of=as_of)
    hits = [
        VerdictHit(
            by_id[r.clinic_id],
            r.distance_miles,
            _verdicts(
                by_id[r.clinic_id],
                search.discipline,
                lambda cid, code: summarized.get((cid, code)) or judge(cid, code),
                profiles,
            ),
        )
        for r in shown
        if r.clinic_id in by_id  # removed by an import or the demo rebuild since it was ranked
    ]
    return VerdictSearchPage(
        hits, ranking.total, page, page_size, bar, search.discipline, ranking.meeting, ranking.only_meeting
    )


@dataclass(frozen=True)
class Alternative:
    clinic: Clinic
    distance_miles: float
    assessment: Assessment | VerdictSummary  # a list of alternatives needs no reasons


@dataclass(frozen=True)
class Alternatives:
    """Clinics to go to instead: those that meet the bar and, when the person asks for them,
    clinics we know too little about that have no evidence against them."""

    items: tuple[Alternative, ...]
    radius_miles: float
    discipline: str
    from_place: str  # the place the distances are measured from; empty: from the clinic itself
    include_unknown: bool
    unknown_available: int  # clinics with nothing known against them, offered when asked for
    insurance: str | None = None  # the plan they must take, when the person named one


# Up to three: enough to choose from, and they fit on a phone's screen or two.
ALTERNATIVES_SHOWN = 3


# Alternatives measured from the clinic itself, per worker: the same for everyone who asks
# the same of the same clinic until the directory or the evidence changes (both generations
# are in the key), and asked again with every look at a clinic that falls short. Those
# measured from a person's place are made afresh: the place is theirs, and never kept.
ALTERNATIVES_KEPT = 2_000
kept_alternatives: Kept[Alternatives] = Kept(ALTERNATIVES_KEPT)


def alternatives_for(
    *,
    clinic: Clinic,
    discipline: str,
    bar: Bar,
    radius_miles: float,
    as_of: date,
    origin: tuple[Point, str] | None = None,
    insurance: str | None = None,
    include_unknown: bool = False,
    limit: int = ALTERNATIVES_SHOWN,
) -> Alternatives:
    """The clinics within the radius of the person's place (``origin``: point and label), or
    of the clinic when they gave none, that meet the bar and take the person's ``insurance``
    (a plan's slug) when they named one, settled verdicts first, then nearest.
    With ``include_unknown``, then the nearest clinics of which not enough is known and
    nothing at all speaks against them."""
    if origin is not None:
        return _alternatives(clinic, discipline, bar, radius_miles, as_of, origin, insurance, include_unknown, limit)
    # The generations read before anything is: what is made is of them or newer.
    made_of = (clinic.pk, discipline, bar, radius_miles, as_of, insurance, include_unknown, limit)
    key = (*made_of, directory_generation(), EVIDENCE.current())
    found = kept_alternatives.get(key)
    if found is None:
        found = _alternatives(clinic, discipline, bar, radius_miles, as_of, None, insurance, include_unknown, limit)
        kept_alternatives.put(key, found)
    return found


def _alternatives(
    clinic: Clinic,
    discipline: str,
    bar: Bar,
    radius_miles: float,
    as_of: date,
    origin: tuple[Point, str] | None,
    insurance: str | None,
    include_unknown: bool,
    limit: int,
) -> Alternatives:
    center, place_label = origin if origin else (clinic.point, "")
    index = geo_index()
    rows, estimates = index.estimated_within(center, radius_miles, discipline=discipline, insurance=insurance)
    others = index.ids[rows] != clinic.pk
    rows, estimates = rows[others], estimates[others]
    stored = _stored_sums(index)
    verdicts = stored.verdicts(rows, discipline, bar, as_of)
    meets, clean = verdicts.meets[rows], verdicts.clean[rows]
    # Those that meet the bar, settled verdicts first, then nearest; then (when asked for)
    # those nothing speaks against, nearest first: as groups of one ranking.
    kept = meets | clean if include_unknown else meets
    groups = np.where(meets, -verdicts.sort_rank[rows], 1)[kept]
    rows, estimates = rows[kept], estimates[kept]
    order = ranked_order(index.ids[rows], estimates, groups)
    picked = index.ranked_slice(center, rows[order], estimates[order], groups[order], offset=0, limit=limit)
    by_id = clinics_for_listing([cid for _, cid, _ in picked], index)
    # What an alternative shows of its verdict is in the sums it was picked by: no report read,
    # except for sums stored before they kept their counts (as on the results page).
    found = stored.found([(cid, discipline) for _, cid, _ in picked], as_of)
    summarized = summaries(found, bar, as_of)
    unsummarized = [cid for _, cid, _ in picked if (cid, discipline) in found and (cid, discipline) not in summarized]
    judge = Judge(evidence_for_clinics(unsummarized, discipline) if unsummarized else {}, bar, as_of)
    items = tuple(
        Alternative(by_id[cid], miles, summarized.get((cid, discipline)) or judge(cid, discipline))
        for miles, cid, _ in picked
        if cid in by_id
    )
    unknown_available = int(np.count_nonzero(clean))
    return Alternatives(items, radius_miles, discipline, place_label, include_unknown, unknown_available, insurance)


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
    found = care_times(list(by_id), discipline, bar, as_of=as_of)
    return [
        ComparedClinic(by_id[cid], distance_miles(center, by_id[cid].point) if center else None, found[cid])
        for cid in clinic_ids
        if cid in by_id
    ]
