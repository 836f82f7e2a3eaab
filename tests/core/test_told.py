"""What a person was told on their own call, judged alone by the verdict rule, and when a
clinic's page offers other clinics instead of the call script."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.core.calls import CallAnswers, Care, call_evidence, goes_elsewhere, told_on_a_call
from caretime.core.verdict import Bar, Status
from tests.answers import MIDDLING, MILL, ONE_ON_ONE

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("answers", "told"),
    [
        (ONE_ON_ONE, Status.MEETS_BAR),  # 55 minutes one-on-one every visit, bar 45
        (MILL, Status.MILL_SIGNS),
        (MIDDLING, Status.BELOW_BAR),  # 40 minutes one-on-one every visit, bar 45
        (replace(ONE_ON_ONE, therapist_minutes=None, minutes_withheld=True), Status.NOT_ENOUGH_KNOWN),
        (replace(ONE_ON_ONE, care=Care.NOT_SAID), Status.NOT_ENOUGH_KNOWN),
    ],
)
def test_what_they_were_told_is_judged_against_the_bar(answers: CallAnswers, told: Status) -> None:
    assert told_on_a_call(call_evidence(answers, called_in=TODAY), Bar(45, True), as_of=TODAY) == told


def test_the_same_answer_meets_a_lower_bar() -> None:
    assert told_on_a_call(call_evidence(MIDDLING, called_in=TODAY), Bar(40, True), as_of=TODAY) == Status.MEETS_BAR


@given(st.sampled_from(list(Status)))
def test_before_a_call_only_a_mill_or_too_few_minutes_send_the_person_elsewhere(clinic: Status) -> None:
    assert goes_elsewhere(clinic, None) == (clinic in {Status.MILL_SIGNS, Status.BELOW_BAR})


@given(st.sampled_from(list(Status)), st.sampled_from([s for s in Status if s != Status.REPORTS_DISAGREE]))
def test_after_a_call_what_they_were_told_decides(clinic: Status, told: Status) -> None:
    # Never "call again": a clinic that would not say enough sends the person elsewhere too.
    assert goes_elsewhere(clinic, told) == (told != Status.MEETS_BAR)
