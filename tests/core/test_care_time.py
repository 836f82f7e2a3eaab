"""The Care Time profile's statistics: small cases worked out by hand, and the bounds that
must hold for every set of reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.care_time import (
    EPOCH,
    MAX_OTHER_PATIENTS,
    MINUTE_BINS,
    MINUTE_TOP,
    PRIOR_WEIGHT,
    CareTimeProfile,
    CareTimeSums,
    VisitFacts,
    VisitKind,
    WholeTime,
    care_time_profile,
    contribution,
    describe_visit,
    growth,
    minute_bin,
    shift_bounds,
    visit_contradictions,
    visit_evidence,
    weighted_quantile,
)
from caretime.core.evidence import MIN_PEOPLE_FOR_A_FIGURE, EvidenceSource
from caretime.core.verdict import HALF_LIFE_DAYS, Bar, Status, assess

THIS_MONTH = date(2026, 11, 1)
TODAY = THIS_MONTH  # reports of this month weigh exactly 1, as in the cases worked by hand
GENUINE = 20
FABRICATED = 5


def visit(
    minutes: int,
    *,
    others: int = 0,
    whole: WholeTime = WholeTime.YES,
    aide: int = 0,
    kind: VisitKind = VisitKind.EARLY_FOLLOW_UP,
    scheduled: int | None = None,
    connected: bool = False,
) -> VisitFacts:
    return VisitFacts(
        visit_kind=kind,
        scheduled_minutes=scheduled,
        therapist_minutes=minutes,
        aide_minutes=aide,
        other_patients=others,
        whole_time=whole,
        connected=connected,
    )


def unknown_minutes(facts: VisitFacts) -> VisitFacts:
    """The same visit from a patient who does not know the minutes."""
    return replace(facts, therapist_minutes=None, aide_minutes=None)


def sums_of(visits: list[VisitFacts], month: date = THIS_MONTH) -> CareTimeSums:
    total = CareTimeSums()
    for facts in visits:
        total.add(contribution(facts, visited_in=month))
    return total


def profile_of(
    visits: list[VisitFacts],
    *,
    reporters: int | None = None,
    minutes_reporters: int | None = None,
    region: CareTimeSums | None = None,
    month: date = THIS_MONTH,
) -> CareTimeProfile:
    """Each visit from a different person unless ``reporters`` says otherwise."""
    people = len(visits) if reporters is None else reporters
    gave_minutes = sum(1 for facts in visits if facts.gave_minutes)
    return care_time_profile(
        sums_of(visits, month),
        region=region or CareTimeSums(),
        national=CareTimeSums(),
        reporters=people,
        minutes_reporters=min(people, gave_minutes) if minutes_reporters is None else minutes_reporters,
        reports=len(visits),
        newest=month,
        as_of=TODAY,
    )


# --- small cases by hand -----------------------------------------------------------------


def test_a_report_weighs_half_after_one_half_life() -> None:
    assert growth(EPOCH) == 1.0
    assert growth(EPOCH + timedelta(days=HALF_LIFE_DAYS)) == pytest.approx(2.0)
    fresh = contribution(visit(40), visited_in=THIS_MONTH).weight / growth(THIS_MONTH)
    year_old = contribution(visit(40), visited_in=THIS_MONTH - timedelta(days=HALF_LIFE_DAYS))
    assert fresh == pytest.approx(1.0)
    assert year_old.weight / growth(THIS_MONTH) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("minutes", "step"), [(0, 0), (2, 0), (3, 5), (30, 30), (32, 30), (33, 35), (117, 115), (118, 120), (240, 120)]
)
def test_minutes_are_counted_in_steps_of_five(minutes: int, step: int) -> None:
    assert minute_bin(minutes) * 5 == step


def test_three_people_30_30_45_minutes_typical_30_range_30_to_45() -> None:
    profile = profile_of([visit(30), visit(30), visit(45)])
    assert profile.typical_minutes == 30
    assert (profile.low_minutes, profile.high_minutes) == (30, 45)
    assert profile.whole_one_on_one_share == 1.0
    assert profile.shared_share == 0.0
    assert profile.prior == ""


def test_the_state_pulls_a_thin_profile_toward_what_is_typical_there() -> None:
    # The state: 12 visits of 60 minutes, all one-on-one the whole time, counts as 2 reports.
    state = sums_of([visit(60)] * 12)
    # The clinic: 30, 30 and 45 minutes; one of the three visits one-on-one the whole time.
    clinic = [visit(30, others=2), visit(30, whole=WholeTime.NO), visit(45)]
    profile = profile_of(clinic, region=state)
    # Minutes: 2 at 30, 1 at 45, and the prior's 2 at 60: the middle (2.5 of 5) is at 45.
    assert profile.typical_minutes == 45
    assert (profile.low_minutes, profile.high_minutes) == (30, 60)
    # One-on-one the whole time: (1 + 2) of (3 + 2) = 0.6; shared: (1 + 0) of (3 + 2) = 0.2.
    assert profile.whole_one_on_one_share == pytest.approx(0.6)
    assert profile.shared_share == pytest.approx(0.2)
    assert profile.shared_counts == pytest.approx((0.0, 0.2, 0.0))
    assert profile.prior == "state"


def test_a_state_with_few_reports_gives_way_to_the_nation() -> None:
    state = sums_of([visit(60)] * 3)  # less than REGION_MIN_WEIGHT
    nation = sums_of([visit(20)] * 100)
    profile = care_time_profile(
        sums_of([visit(40)] * 3),
        region=state,
        national=nation,
        reporters=3,
        minutes_reporters=3,
        reports=3,
        newest=THIS_MONTH,
        as_of=TODAY,
    )
    assert profile.prior == "national"
    # 3 at 40 and the nation's 2 at 20: the middle (2.5 of 5) is at 40, the low end at 20.
    assert (profile.typical_minutes, profile.low_minutes) == (40, 20)


def test_aide_led_visits_are_those_mostly_without_the_therapist() -> None:
    profile = profile_of([visit(10, aide=40, whole=WholeTime.NO), visit(30, aide=10), visit(45, aide=45)])
    assert profile.aide_led_share == pytest.approx(1 / 3)


def test_fewer_than_three_people_give_counts_but_no_figures() -> None:
    profile = profile_of([visit(30)] * 5, reporters=MIN_PEOPLE_FOR_A_FIGURE - 1)
    assert profile.reports == 5
    assert not profile.shows_figures
    assert profile.typical_minutes is None
    assert profile.whole_one_on_one_share is None


def test_a_connected_persons_visit_adds_nothing_and_is_no_evidence() -> None:
    facts = visit(60, connected=True)
    assert contribution(facts, visited_in=THIS_MONTH).weight == 0
    assert visit_evidence(facts, visited_in=THIS_MONTH) is None


def test_what_a_visit_says_to_the_verdict() -> None:
    good = visit_evidence(visit(50), visited_in=THIS_MONTH, person="account:1")
    assert good is not None
    assert (good.source, good.one_on_one_minutes, good.shared, good.every_visit) == (
        EvidenceSource.PATIENT_REPORT,
        50.0,
        False,
        True,
    )
    shared = visit_evidence(visit(25, others=2), visited_in=THIS_MONTH)
    assert shared is not None
    assert (shared.shared, shared.every_visit) == (True, False)
    first = visit_evidence(visit(50, kind=VisitKind.FIRST), visited_in=THIS_MONTH)
    assert first is not None
    assert first.every_visit is None  # a first visit says nothing of later ones
    left = visit_evidence(visit(40, whole=WholeTime.NO), visited_in=THIS_MONTH)
    assert left is not None
    assert left.every_visit is False


def test_one_persons_visits_are_one_reporter_in_the_verdict() -> None:
    evidence = [visit_evidence(visit(50), visited_in=THIS_MONTH, person="account:7") for _ in range(2)]
    assessment = assess([e for e in evidence if e is not None], Bar(), as_of=TODAY)
    assert assessment.status == Status.MEETS_BAR
    assert assessment.reporters == 1
    assert assessment.early_signal


def test_the_parts_cannot_add_up_to_more_than_the_visit() -> None:
    found = visit_contradictions(visit(30, aide=20, scheduled=45))
    assert [c.fields for c in found] == [("therapist_minutes", "aide_minutes", "scheduled_minutes")]
    assert visit_contradictions(visit(30, aide=15, scheduled=45)) == []
    assert [c.fields for c in visit_contradictions(visit(0))] == [("therapist_minutes", "whole_time")]


def test_minutes_with_an_aide_are_given_with_the_therapists_or_left_out_with_them() -> None:
    assert [c.fields for c in visit_contradictions(replace(visit(30), aide_minutes=None))] == [("aide_minutes",)]
    assert visit_contradictions(unknown_minutes(visit(30))) == []
    # Known parts still cannot be more than the visit.
    aide_only = replace(visit(30, aide=50, scheduled=45), therapist_minutes=None)
    assert [c.fields for c in visit_contradictions(aide_only)] == [
        ("therapist_minutes", "aide_minutes", "scheduled_minutes")
    ]


def test_a_visit_with_unknown_minutes_says_so() -> None:
    assert describe_visit(unknown_minutes(visit(30, others=1))) == (
        "follow-up visit: minutes with the therapist not known, 1 other patient at the same time"
    )


def test_three_people_who_shared_the_therapist_but_do_not_know_the_minutes_still_show_mill_signs() -> None:
    evidence = [
        visit_evidence(unknown_minutes(visit(30, others=2)), visited_in=THIS_MONTH, person=f"account:{n}")
        for n in range(3)
    ]
    assessment = assess([e for e in evidence if e is not None], Bar(), as_of=TODAY)
    assert assessment.status == Status.MILL_SIGNS
    assert assessment.reporters == 3


def test_three_reporters_of_whom_two_gave_minutes_show_no_minutes_figure() -> None:
    profile = profile_of([visit(30), visit(45, aide=50), unknown_minutes(visit(30, others=1))])
    assert (profile.reporters, profile.minutes_reporters) == (3, 2)
    assert profile.shows_figures
    assert not profile.shows_minutes
    assert (profile.typical_minutes, profile.low_minutes, profile.high_minutes) == (None, None, None)
    assert profile.aide_led_share is None
    # The other answers of all three still count: one of three visits was shared.
    assert profile.shared_share == pytest.approx(1 / 3)


def test_minutes_figures_come_only_from_the_visits_that_gave_minutes() -> None:
    visits = [visit(30), visit(30, aide=40), visit(45)] + [unknown_minutes(visit(90, others=3))] * 3
    profile = profile_of(visits, reporters=6, minutes_reporters=3)
    assert (profile.typical_minutes, profile.low_minutes, profile.high_minutes) == (30, 30, 45)
    assert profile.aide_led_share == pytest.approx(1 / 3)  # of the three that gave minutes
    assert profile.shared_share == pytest.approx(1 / 2)  # of all six


def test_a_quantile_needs_weight() -> None:
    with pytest.raises(ValueError, match="no weight"):
        weighted_quantile([0.0] * MINUTE_BINS, 0.5)


def test_the_stated_bound_for_five_against_twenty() -> None:
    low, high = shift_bounds(GENUINE + PRIOR_WEIGHT, FABRICATED)
    assert (round(low, 3), round(high, 3)) == (0.386, 0.614)


# --- bounds for every set of reports ---------------------------------------------------------

minutes = st.integers(min_value=0, max_value=240)
others = st.integers(min_value=0, max_value=MAX_OTHER_PATIENTS)
wholes = st.sampled_from(list(WholeTime))
visits = st.builds(visit, minutes, others=others, whole=wholes, aide=st.integers(0, 60))
# Some visits from patients who do not know the minutes.
visits_some_unknown = st.one_of(visits, visits.map(unknown_minutes))


@settings(max_examples=200, deadline=None)
@given(visits, st.text(max_size=12))
def test_unknown_minutes_take_out_the_time_and_nothing_else(facts: VisitFacts, person: str) -> None:
    """To the verdict, a visit whose minutes are not known is the same visit with no time in it,
    as a call with no minutes is (``one_on_one_minutes`` None); not knowing is no refusal."""
    known = visit_evidence(facts, visited_in=THIS_MONTH, person=person)
    hidden = visit_evidence(unknown_minutes(facts), visited_in=THIS_MONTH, person=person)
    assert known is not None
    assert hidden is not None
    assert replace(known, summary="") == replace(hidden, summary="", one_on_one_minutes=known.one_on_one_minutes)
    assert hidden.one_on_one_minutes is None
    assert not hidden.minutes_withheld
    # To the profile's sums, it is the same visit with no minutes (and so no aide-led share).
    with_time, without = (
        contribution(facts, visited_in=THIS_MONTH),
        contribution(unknown_minutes(facts), visited_in=THIS_MONTH),
    )
    assert without.minutes_weight == 0.0
    assert without.aide_led == 0.0
    assert (without.weight, without.whole_known, without.whole_one_on_one, without.shared) == (
        with_time.weight,
        with_time.whole_known,
        with_time.whole_one_on_one,
        with_time.shared,
    )


def _genuine_with_prior(genuine: list[VisitFacts], region: CareTimeSums) -> CareTimeSums:
    """What the profile's median is taken over before the fabricated reports arrive."""
    today = 1 / growth(TODAY)
    both = sums_of(genuine).scaled(today)
    state = region.scaled(today)
    both.add(state.scaled(PRIOR_WEIGHT / state.weight))
    return both


@settings(max_examples=300, deadline=None)
@given(
    genuine=st.lists(visits, min_size=GENUINE, max_size=GENUINE),
    fabricated=st.lists(visits, min_size=FABRICATED, max_size=FABRICATED),
    state_minutes=st.lists(minutes, min_size=10, max_size=30),
)
def test_five_fabricated_reports_cannot_move_twenty_genuine_ones_beyond_the_stated_bound(
    genuine: list[VisitFacts], fabricated: list[VisitFacts], state_minutes: list[int]
) -> None:
    """The stated bound (docs/methodology.md): with 20 genuine reports from this month, five
    more, whatever they say, keep the typical minutes between the 39th and the 61st percentile
    of the genuine reports with the prior, and move a share of all visits by at most 5 / 27
    (18.5 points)."""
    region = sums_of([visit(m) for m in state_minutes])
    before = profile_of(genuine, region=region, reporters=GENUINE)
    after = profile_of(genuine + fabricated, region=region, reporters=GENUINE + FABRICATED)
    base = _genuine_with_prior(genuine, region)
    low, high = shift_bounds(base.weight, FABRICATED)  # each fabricated report weighs at most 1
    typical = after.typical_minutes
    assert typical is not None
    assert weighted_quantile(base.minutes, low) <= typical <= weighted_quantile(base.minutes, high)
    # A share of all visits moves by at most 5 / (20 + 2 + 5); "one-on-one the whole time" is
    # a share of the visits where that is known, so its bound is 5 / (known + 5).
    bounds = {
        "shared_share": FABRICATED / (GENUINE + PRIOR_WEIGHT + FABRICATED),
        "aide_led_share": FABRICATED / (GENUINE + PRIOR_WEIGHT + FABRICATED),
        "whole_one_on_one_share": FABRICATED / (base.whole_known + FABRICATED),
    }
    for name, bound in bounds.items():
        moved = abs(getattr(after, name) - getattr(before, name))
        assert moved <= bound + 1e-9, name


@settings(max_examples=200, deadline=None)
@given(
    reports=st.lists(visits, min_size=0, max_size=12),
    reporters=st.integers(min_value=0, max_value=MIN_PEOPLE_FOR_A_FIGURE - 1),
)
def test_no_figure_is_ever_shown_from_fewer_than_three_people(reports: list[VisitFacts], reporters: int) -> None:
    profile = profile_of(reports, reporters=reporters, region=sums_of([visit(45)] * 20))
    figures = (
        profile.typical_minutes,
        profile.low_minutes,
        profile.high_minutes,
        profile.whole_one_on_one_share,
        profile.shared_share,
        profile.shared_counts,
        profile.aide_led_share,
    )
    assert figures == (None,) * len(figures)


@settings(max_examples=200, deadline=None)
@given(
    reports=st.lists(visits_some_unknown, min_size=MIN_PEOPLE_FOR_A_FIGURE, max_size=12),
    minutes_reporters=st.integers(min_value=0, max_value=MIN_PEOPLE_FOR_A_FIGURE - 1),
)
def test_no_minutes_figure_is_ever_shown_from_fewer_than_three_people_who_gave_minutes(
    reports: list[VisitFacts], minutes_reporters: int
) -> None:
    profile = profile_of(
        reports, reporters=len(reports), minutes_reporters=minutes_reporters, region=sums_of([visit(45)] * 20)
    )
    figures = (profile.typical_minutes, profile.low_minutes, profile.high_minutes, profile.aide_led_share)
    assert figures == (None,) * len(figures)
    assert profile.shows_figures  # the other answers of three people are shown


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(visits, st.integers(min_value=0, max_value=35)), min_size=3, max_size=25))
def test_figures_stay_in_range_whatever_the_reports(dated: list[tuple[VisitFacts, int]]) -> None:
    total = CareTimeSums()
    for facts, months_back in dated:
        total.add(contribution(facts, visited_in=THIS_MONTH - timedelta(days=31 * months_back)))
    profile = care_time_profile(
        total,
        region=CareTimeSums(),
        national=CareTimeSums(),
        reporters=3,
        minutes_reporters=3,
        reports=len(dated),
        newest=None,
        as_of=TODAY,
    )
    low, typical, high = profile.low_minutes, profile.typical_minutes, profile.high_minutes
    assert low is not None
    assert typical is not None
    assert high is not None
    assert 0 <= low <= typical <= high <= MINUTE_TOP
    for share in (profile.whole_one_on_one_share, profile.shared_share, profile.aide_led_share):
        assert share is None or 0.0 <= share <= 1.0
    assert profile.shared_counts is not None
    assert sum(profile.shared_counts) == pytest.approx(profile.shared_share)
