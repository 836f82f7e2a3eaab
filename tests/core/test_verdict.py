"""The verdict rule: every branch, and the properties it must keep for any evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.verdict import (
    STATED_SOURCES,
    Bar,
    Effect,
    Leaning,
    Question,
    Status,
    Verdict,
    aged_weight,
    assess,
    quick_verdict,
    sort_rank,
    stated_versus_reported,
)

TODAY = date(2026, 11, 1)
BAR = Bar()


def call(
    *,
    minutes: float | None = None,
    shared: bool | None = None,
    every_visit: bool | None = None,
    days_old: int = 0,
    withheld: bool = False,
) -> Evidence:
    return Evidence(
        source=EvidenceSource.CALL,
        observed_on=TODAY - timedelta(days=days_old),
        one_on_one_minutes=minutes,
        shared=shared,
        every_visit=every_visit,
        minutes_withheld=withheld,
    )


def patients(count: int, **facts: object) -> Evidence:
    return Evidence(source=EvidenceSource.PATIENT_REPORT, observed_on=TODAY, reporters=count, **facts)  # type: ignore[arg-type]


def billing(**facts: object) -> Evidence:
    return Evidence(source=EvidenceSource.BILLING, observed_on=TODAY, weight=0.25, **facts)  # type: ignore[arg-type]


def verdict(*items: Evidence, bar: Bar = BAR) -> Verdict:
    return assess(items, bar, as_of=TODAY).verdict


GOOD_CALL = call(minutes=55, shared=False, every_visit=True)


# --- every branch of the rule ---------------------------------------------------------


def test_no_evidence_is_unknown_with_no_reasons() -> None:
    result = assess([], BAR, as_of=TODAY)
    assert result.verdict == Verdict.UNKNOWN
    assert result.reasons == ()
    assert result.reports == 0


def test_shared_care_is_avoid() -> None:
    assert verdict(call(minutes=55, shared=True, every_visit=True)) == Verdict.AVOID


def test_one_on_one_only_on_first_visit_is_avoid() -> None:
    assert verdict(call(minutes=55, shared=False, every_visit=False)) == Verdict.AVOID


def test_thirty_minutes_or_less_is_avoid() -> None:
    assert verdict(call(minutes=30, shared=False, every_visit=True)) == Verdict.AVOID
    assert verdict(call(minutes=31, shared=False, every_visit=True), bar=Bar(30)) == Verdict.GOOD


def test_the_three_bad_answers_give_three_avoid_reasons_naming_their_evidence() -> None:
    result = assess([call(minutes=30, shared=True, every_visit=False)], BAR, as_of=TODAY)
    assert result.verdict == Verdict.AVOID
    assert [r.question for r in result.avoid_reasons] == [Question.TIME, Question.SHARING, Question.EVERY_VISIT]
    for reason in result.avoid_reasons:
        assert reason.supporting[0].source == EvidenceSource.CALL
        assert reason.supporting[0].reports == 1
        assert "1 call, November 2026" in reason.text


def test_one_on_one_every_visit_at_the_minimum_is_good() -> None:
    result = assess([call(minutes=45, shared=False, every_visit=True)], BAR, as_of=TODAY)
    assert result.verdict == Verdict.GOOD
    assert {r.effect for r in result.reasons} == {Effect.GOOD}


def test_below_the_persons_minimum_but_above_thirty_is_unknown() -> None:
    assert verdict(call(minutes=40, shared=False, every_visit=True)) == Verdict.UNKNOWN
    assert verdict(call(minutes=40, shared=False, every_visit=True), bar=Bar(40)) == Verdict.GOOD


def test_a_missing_answer_keeps_it_unknown() -> None:
    assert verdict(call(minutes=55, shared=False)) == Verdict.UNKNOWN
    assert verdict(call(minutes=55, every_visit=True)) == Verdict.UNKNOWN
    assert verdict(call(shared=False, every_visit=True)) == Verdict.UNKNOWN


def test_every_visit_not_required_by_the_person() -> None:
    bar = Bar(45, every_visit_required=False)
    assert verdict(call(minutes=55, shared=False, every_visit=False), bar=bar) == Verdict.GOOD
    assert verdict(call(minutes=55, shared=False), bar=bar) == Verdict.GOOD
    notes = assess([call(minutes=55, shared=False, every_visit=False)], bar, as_of=TODAY).reasons
    assert any(r.effect == Effect.NOTE and r.question == Question.EVERY_VISIT for r in notes)


def test_withheld_minutes_are_unknown_and_said_so() -> None:
    result = assess([call(shared=False, every_visit=True, withheld=True)], BAR, as_of=TODAY)
    assert result.verdict == Verdict.UNKNOWN
    assert any("would not say" in r.text for r in result.reasons)


def test_conflict_is_shown_not_averaged_away() -> None:
    result = assess([call(shared=False), patients(4, shared=True)], BAR, as_of=TODAY)
    assert result.verdict == Verdict.AVOID
    reason = result.avoid_reasons[0]
    assert reason.conflicting
    assert "4 patient reports" in reason.text
    assert "Conflicting: one-on-one" in reason.text
    assert "1 call" in reason.text


def test_good_needs_to_prevail_clearly_over_contrary_evidence() -> None:
    # 2 good calls against 1 patient report of sharing: the good side leans but does not
    # carry twice the weight, so it is not Good (and not Avoid either).
    base = [GOOD_CALL, GOOD_CALL]
    assert verdict(*base) == Verdict.GOOD
    assert verdict(*base, patients(1, shared=True)) == Verdict.GOOD  # 2 >= 2 x 1, still shown as conflicting
    assert verdict(*base, patients(1, shared=True), patients(1, shared=True)) == Verdict.UNKNOWN  # 2 vs 2: even
    assert verdict(*base, GOOD_CALL, patients(2, shared=True)) == Verdict.UNKNOWN  # 3 vs 2: leans, not settled


def test_billing_alone_never_makes_avoid() -> None:
    result = assess([billing(shared=True), replace(GOOD_CALL, shared=None)], BAR, as_of=TODAY)
    assert result.verdict == Verdict.UNKNOWN
    assert any("Billing data alone" in r.text for r in result.reasons)
    # ... but it adds weight to what people say.
    assert verdict(billing(shared=True), call(shared=True)) == Verdict.AVOID


def test_billing_lower_bound_can_support_enough_time_but_never_short() -> None:
    low = billing(one_on_one_minutes=23, minutes_are_lower_bound=True)
    assert assess([low], BAR, as_of=TODAY).reasons == ()
    high = Evidence(EvidenceSource.BILLING, TODAY, weight=1.0, one_on_one_minutes=50, minutes_are_lower_bound=True)
    assert verdict(high, call(shared=False, every_visit=True)) == Verdict.GOOD


def test_shared_time_is_an_upper_bound_on_one_on_one_time() -> None:
    # 60 minutes while the therapist treats others says nothing in favour of the time...
    result = assess([call(minutes=60, shared=True)], BAR, as_of=TODAY)
    assert [r.question for r in result.reasons] == [Question.SHARING]
    # ... but 25 shared minutes are certainly 25 or fewer one-on-one.
    assert Question.TIME in {
        r.question for r in assess([call(minutes=25, shared=True)], BAR, as_of=TODAY).avoid_reasons
    }


def test_older_evidence_counts_less_with_the_stated_half_life() -> None:
    # written out, not read from the code: a year halves the weight, two years quarter it
    item = call(shared=True, days_old=365)
    assert aged_weight(item, TODAY) == pytest.approx(0.5)
    assert aged_weight(call(shared=True, days_old=730), TODAY) == pytest.approx(0.25)
    assert aged_weight(call(shared=True, days_old=90), TODAY) == pytest.approx(0.5 ** (90 / 365))
    assert aged_weight(call(shared=True, days_old=-30), TODAY) == 1.0  # dated in the future: counts as today
    # One fresh report of one-on-one outweighs one a year old of sharing, but not twice over.
    assert assess([call(shared=False), item], BAR, as_of=TODAY).leaning(Question.SHARING) == Leaning.GOOD


def test_very_old_lone_evidence_cannot_decide() -> None:
    ancient = call(minutes=20, shared=True, every_visit=False, days_old=4 * 365)
    result = assess([ancient], BAR, as_of=TODAY)
    assert result.verdict == Verdict.UNKNOWN
    assert any("old" in r.text for r in result.reasons)
    assert verdict(call(minutes=60, shared=False, every_visit=True, days_old=4 * 365)) == Verdict.UNKNOWN


def test_bar_outside_thirty_to_sixty_is_refused() -> None:
    with pytest.raises(ValueError, match="30 to 60"):
        Bar(29)
    with pytest.raises(ValueError, match="30 to 60"):
        Bar(61)


def test_stated_versus_reported_finds_the_gap() -> None:
    evidence = [call(minutes=50, shared=False, every_visit=True), patients(3, shared=True, one_on_one_minutes=20)]
    gaps = stated_versus_reported(evidence, BAR, as_of=TODAY)
    assert {g.question for g in gaps} == {Question.SHARING, Question.TIME}
    sharing = next(g for g in gaps if g.question == Question.SHARING)
    assert (
        sharing.text
        == "The clinic says one-on-one care; reports after visits show a therapist shared with other patients."
    )
    assert stated_versus_reported([GOOD_CALL, patients(2, shared=False)], BAR, as_of=TODAY) == ()


# --- properties that must hold for all evidence ---------------------------------------

SOURCES = st.sampled_from(list(EvidenceSource))
MAYBE_BOOL = st.sampled_from([None, True, False])
evidence_items = st.builds(
    Evidence,
    source=SOURCES,
    observed_on=st.dates(min_value=TODAY - timedelta(days=5 * 365), max_value=TODAY + timedelta(days=30)),
    weight=st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0]),
    reporters=st.integers(min_value=1, max_value=6),
    one_on_one_minutes=st.one_of(st.none(), st.integers(min_value=0, max_value=240).map(float)),
    minutes_are_lower_bound=st.booleans(),
    shared=MAYBE_BOOL,
    every_visit=MAYBE_BOOL,
    minutes_withheld=st.booleans(),
)
evidence_lists = st.lists(evidence_items, max_size=8)
bars = st.builds(Bar, st.integers(min_value=30, max_value=60), st.booleans())


@given(evidence_lists, bars)
def test_what_only_one_side_said_shows_no_gap_and_nothing_said_leans_no_way(items: list[Evidence], bar: Bar) -> None:
    """A gap needs both sides leaning opposite ways: ``stated_versus_reported`` of calls only,
    or of reports after visits only, is no gap without assessing anything, which holds because
    an assessment of no evidence leans no way on any question."""
    assert all(assess([], bar, as_of=TODAY).leaning(question) == Leaning.NONE for question in Question)
    for side in (True, False):
        one_side = [item for item in items if (item.source in STATED_SOURCES) == side]
        assert stated_versus_reported(one_side, bar, as_of=TODAY) == ()


@settings(max_examples=300)
@given(evidence_lists, bars, st.data())
def test_more_one_on_one_minutes_never_make_the_verdict_worse(
    items: list[Evidence], bar: Bar, data: st.DataObject
) -> None:
    before = assess(items, bar, as_of=TODAY).verdict
    timed = [i for i, item in enumerate(items) if item.one_on_one_minutes is not None]
    if not timed:
        return
    index = data.draw(st.sampled_from(timed))
    extra = data.draw(st.integers(min_value=1, max_value=120))
    minutes = items[index].one_on_one_minutes
    assert minutes is not None
    more = [*items[:index], replace(items[index], one_on_one_minutes=minutes + extra), *items[index + 1 :]]
    assert assess(more, bar, as_of=TODAY).verdict.rank >= before.rank


@settings(max_examples=300)
@given(evidence_lists, bars, st.data())
def test_evidence_of_shared_care_never_makes_the_verdict_better(
    items: list[Evidence], bar: Bar, data: st.DataObject
) -> None:
    before = assess(items, bar, as_of=TODAY).verdict
    added = data.draw(evidence_items.map(lambda e: replace(e, shared=True, one_on_one_minutes=None, every_visit=None)))
    assert assess([*items, added], bar, as_of=TODAY).verdict.rank <= before.rank
    if items:
        index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
        flipped = [*items[:index], replace(items[index], shared=True), *items[index + 1 :]]
        assert assess(flipped, bar, as_of=TODAY).verdict.rank <= before.rank


@settings(max_examples=300)
@given(evidence_lists, bars, st.randoms(use_true_random=False))
def test_the_verdict_never_depends_on_the_order_of_evidence(items: list[Evidence], bar: Bar, rng: Random) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    first, second = assess(items, bar, as_of=TODAY), assess(shuffled, bar, as_of=TODAY)
    assert first.verdict == second.verdict
    assert [r.text for r in first.reasons] == [r.text for r in second.reasons]
    assert first.strength == second.strength


@settings(max_examples=200)
@given(evidence_lists, bars)
def test_every_verdict_other_than_unknown_has_reasons(items: list[Evidence], bar: Bar) -> None:
    result = assess(items, bar, as_of=TODAY)
    if result.verdict == Verdict.AVOID:
        assert result.avoid_reasons
        # billing data is never the only support of an Avoid reason
        for reason in result.avoid_reasons:
            assert any(t.source != EvidenceSource.BILLING for t in reason.supporting)
    if result.verdict == Verdict.GOOD:
        assert sum(1 for r in result.reasons if r.effect == Effect.GOOD) >= (3 if bar.every_visit_required else 2)


@settings(max_examples=300)
@given(evidence_lists, bars)
def test_the_quick_verdict_is_the_same_rule(items: list[Evidence], bar: Bar) -> None:
    full = assess(items, bar, as_of=TODAY)
    quick = quick_verdict(items, bar, as_of=TODAY)
    assert quick.status == full.status
    assert quick.strength == full.strength
    assert quick.early_signal == full.early_signal
    assert quick.evidence_against == full.evidence_against
    assert quick.sort_rank == full.sort_rank


@settings(max_examples=300)
@given(evidence_lists, bars)
def test_reasons_agree_with_the_verdict(items: list[Evidence], bar: Bar) -> None:
    result = assess(items, bar, as_of=TODAY)
    assert (result.verdict == Verdict.AVOID) == bool(result.avoid_reasons)
    if result.verdict == Verdict.GOOD:
        assert not any(r.effect == Effect.OPEN for r in result.reasons)


# --- statuses: what the person should do next ------------------------------------------


def status(*items: Evidence, bar: Bar = BAR) -> Status:
    return assess(items, bar, as_of=TODAY).status


def test_thirty_and_sixty_minutes_at_a_bar_of_thirty_is_reports_disagree() -> None:
    thirty = call(minutes=30, shared=False, every_visit=True)
    sixty = call(minutes=60, shared=False, every_visit=True)
    result = assess([thirty, sixty], Bar(30), as_of=TODAY)
    assert result.status == Status.REPORTS_DISAGREE
    assert result.verdict == Verdict.UNKNOWN
    time = next(r for r in result.reasons if r.question == Question.TIME)
    assert time.conflicting
    assert time.effect == Effect.OPEN
    assert "30 minutes or less" in time.text
    assert "more than 30 minutes" in time.text


def test_fifty_five_minutes_one_on_one_every_visit_at_a_bar_of_sixty_is_below_the_bar() -> None:
    result = assess([call(minutes=55, shared=False, every_visit=True)], Bar(60), as_of=TODAY)
    assert result.status == Status.BELOW_BAR
    assert result.verdict == Verdict.UNKNOWN
    assert result.early_signal
    assert result.early_signal_label == "1 call"
    # the same answer meets a bar of 55, and 30 minutes is never "below the bar": it is a mill sign
    assert status(call(minutes=55, shared=False, every_visit=True), bar=Bar(55)) == Status.MEETS_BAR
    assert status(call(minutes=30, shared=False, every_visit=True), bar=Bar(60)) == Status.MILL_SIGNS


def test_nothing_known_and_unsettled_answers_are_not_enough_known() -> None:
    assert status() == Status.NOT_ENOUGH_KNOWN
    assert status(call(minutes=55, shared=False)) == Status.NOT_ENOUGH_KNOWN  # every visit not answered
    ancient = call(minutes=20, shared=True, every_visit=False, days_old=4 * 365)
    assert status(ancient) == Status.NOT_ENOUGH_KNOWN


def test_a_lean_below_the_bar_that_does_not_prevail_is_reports_disagree() -> None:
    forty, fifty = call(minutes=40, shared=False, every_visit=True), call(minutes=50, shared=False, every_visit=True)
    assert status(forty, forty, forty, fifty, fifty) == Status.REPORTS_DISAGREE  # 3 against 2
    assert status(forty, forty, fifty) == Status.BELOW_BAR  # 2 against 1 prevails


def test_an_even_split_is_reports_disagree_and_never_good() -> None:
    assert status(GOOD_CALL, GOOD_CALL, patients(2, shared=True)) == Status.REPORTS_DISAGREE
    assert status(GOOD_CALL, GOOD_CALL, patients(1, shared=True)) == Status.MEETS_BAR  # 2 against 1 prevails


def test_early_signal_rests_on_one_person_and_billing_is_no_person() -> None:
    lone = assess([GOOD_CALL], BAR, as_of=TODAY)
    assert lone.status == Status.MEETS_BAR
    assert lone.early_signal
    with_billing = assess([GOOD_CALL, billing(one_on_one_minutes=53, minutes_are_lower_bound=True)], BAR, as_of=TODAY)
    assert with_billing.early_signal
    assert with_billing.reporters == 1
    assert not assess([GOOD_CALL, GOOD_CALL], BAR, as_of=TODAY).early_signal
    assert not assess([], BAR, as_of=TODAY).early_signal  # nothing known is no signal at all
    assert sort_rank(Status.MEETS_BAR, False) > sort_rank(Status.MEETS_BAR, True) > sort_rank(Status.BELOW_BAR, False)
    assert sort_rank(Status.NOT_ENOUGH_KNOWN, False) > sort_rank(Status.MILL_SIGNS, True)
    assert sort_rank(Status.MILL_SIGNS, True) > sort_rank(Status.MILL_SIGNS, False)


@settings(max_examples=300)
@given(evidence_lists, st.booleans())
def test_at_a_bar_of_thirty_thirty_minutes_or_less_never_meets_it(items: list[Evidence], every_visit: bool) -> None:
    capped = [
        replace(item, one_on_one_minutes=min(item.one_on_one_minutes, 30.0))
        for item in items
        if item.one_on_one_minutes is not None
    ]
    assert assess(capped, Bar(30, every_visit), as_of=TODAY).status != Status.MEETS_BAR


@settings(max_examples=300)
@given(evidence_lists, bars)
def test_each_status_has_the_reasons_that_explain_it(items: list[Evidence], bar: Bar) -> None:
    result = assess(items, bar, as_of=TODAY)
    if result.status == Status.MEETS_BAR:
        assert not any(r.effect in (Effect.OPEN, Effect.AVOID) for r in result.reasons)
    if result.status == Status.BELOW_BAR:
        assert any(r.question == Question.TIME and r.effect == Effect.OPEN for r in result.reasons)
    if result.status == Status.REPORTS_DISAGREE:
        assert any(r.conflicting and r.effect == Effect.OPEN for r in result.reasons)
        assert result.evidence_against
    if result.status == Status.MILL_SIGNS:
        assert result.evidence_against


def test_an_item_says_yes_or_no_only_as_a_bool() -> None:
    # The rule reads True by identity and remembers what it read of equal items; an item
    # with 1 for True would share that memory with a real True and be read differently.
    day = date(2026, 1, 1)
    with pytest.raises(TypeError, match="True, False or None"):
        Evidence(source=EvidenceSource.CALL, observed_on=day, shared=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="True, False or None"):
        Evidence(source=EvidenceSource.CALL, observed_on=day, every_visit=0)  # type: ignore[arg-type]
    item = Evidence(source=EvidenceSource.CALL, observed_on=day, shared=True, every_visit=False)
    assert (item.shared, item.every_visit) == (True, False)
