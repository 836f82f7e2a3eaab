"""The values of the Care Time profile and of the weights of people's reports, pinned through
the framework-free functions of caretime.core: the figures a profile shows and the verdict.

Every number is written out here on purpose, never read from the code: a value that changes
by one in either direction (a tenth for a share, a whole report for a weight) fails a test of
this module. A change of a rule is a change of docs/methodology.md too; update both, then
these numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from caretime.core.calls import call_evidence
from caretime.core.care_time import (
    CareTimeProfile,
    CareTimeSums,
    VisitFacts,
    care_time_profile,
    contribution,
    describe_visit,
    minutes_label,
    visit_evidence,
)
from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.verdict import Bar, Status, assess
from tests.answers import GOOD_VISIT, MILL

DAY = date(2026, 6, 1)


def sums(visits: Iterable[VisitFacts]) -> CareTimeSums:
    total = CareTimeSums()
    for facts in visits:
        total.add(contribution(facts, visited_in=DAY))
    return total


def profile(
    visits: Iterable[VisitFacts],
    *,
    region: Iterable[VisitFacts] = (),
    national: Iterable[VisitFacts] = (),
    reporters: int = 3,
) -> CareTimeProfile:
    own = list(visits)
    return care_time_profile(
        sums(own),
        region=sums(region),
        national=sums(national),
        reporters=reporters,
        minutes_reporters=reporters,
        reports=len(own),
        newest=DAY,
        as_of=DAY,
    )


def minutes(count: int) -> VisitFacts:
    return replace(GOOD_VISIT, therapist_minutes=count, scheduled_minutes=None, aide_minutes=0)


AIDE_LED = replace(GOOD_VISIT, therapist_minutes=10, aide_minutes=40)


def test_prior_weight_the_states_typical_visit_counts_as_2_reports() -> None:
    # three own visits, none aide-led, pulled toward a state where every visit is aide-led:
    # 2 / (3 + 2) of the visits are aide-led
    shown = profile([minutes(50)] * 3, region=[AIDE_LED] * 10)
    assert shown.prior == "state"
    assert shown.aide_led_share is not None
    assert round(shown.aide_led_share, 3) == 0.4


def test_region_min_weight_a_state_with_10_reports_is_the_prior_and_with_9_the_nation_is() -> None:
    own = [minutes(50)] * 3
    nation = [AIDE_LED] * 40
    assert profile(own, region=[AIDE_LED] * 10, national=nation).prior == "state"
    assert profile(own, region=[AIDE_LED] * 9, national=nation).prior == "national"


def test_range_share_the_range_holds_the_middle_8_in_10_of_visits() -> None:
    shown = profile([minutes(m) for m in range(10, 101, 10)], reporters=10)
    assert (shown.low_minutes, shown.typical_minutes, shown.high_minutes) == (10, 50, 90)


def test_minute_step_minutes_are_counted_in_steps_of_5() -> None:
    assert profile([minutes(47)] * 3).typical_minutes == 45
    assert profile([minutes(48)] * 3).typical_minutes == 50
    assert profile([minutes(2)] * 3).typical_minutes == 0
    assert profile([minutes(3)] * 3).typical_minutes == 5


def test_minute_top_120_minutes_or_more_is_the_top_step() -> None:
    assert profile([minutes(130)] * 3).typical_minutes == 120
    assert profile([minutes(115)] * 3).typical_minutes == 115
    assert (minutes_label(120), minutes_label(115)) == ("120 or more", "115")


def test_max_other_patients_3_or_more_other_patients_is_the_top_answer() -> None:
    crowded = [replace(GOOD_VISIT, other_patients=n) for n in (1, 2, 3)]
    shown = profile(crowded)
    assert shown.shared_counts is not None
    assert [round(share, 3) for share in shown.shared_counts] == [0.333, 0.333, 0.333]
    assert "3 or more other patients" in describe_visit(crowded[2])
    assert "2 other patients" in describe_visit(crowded[1])
    assert "or more" not in describe_visit(crowded[1])


def test_report_weights_a_visit_report_and_a_call_weigh_1_each() -> None:
    """One patient's visit (one-on-one the whole time) against one call saying the care is
    shared: neither outweighs the other, so the reports disagree. Were either weight 0 or 2,
    one side would decide."""
    evidence = [
        call_evidence(MILL, called_in=DAY),
        visit_evidence(GOOD_VISIT, visited_in=DAY, person="p"),
    ]
    assert assess([item for item in evidence if item is not None], Bar(), as_of=DAY).status == Status.REPORTS_DISAGREE


def test_prevail_ratio_a_good_answer_needs_twice_the_weight_against_it() -> None:
    """40 people saying one-on-one, every visit, 55 minutes against 20 saying 30 minutes shared,
    first visit only settles it (2 to 1); 39 against 20 (1.95 to 1) does not."""

    def status(good: int, bad: int) -> Status:
        evidence = [
            Evidence(EvidenceSource.CALL, DAY, reporters=good, one_on_one_minutes=55, shared=False, every_visit=True),
            Evidence(EvidenceSource.CALL, DAY, reporters=bad, one_on_one_minutes=30, shared=True, every_visit=False),
        ]
        return assess(evidence, Bar(), as_of=DAY).status

    assert status(40, 20) == Status.MEETS_BAR
    assert status(39, 20) == Status.REPORTS_DISAGREE
