"""Checking a clinic's answers: impossible combinations are named, field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caretime.core.calls import Care, FollowUpBy, Visits, call_evidence, contradictions, describe
from caretime.core.evidence import EvidenceSource
from tests.answers import MILL


def test_sensible_answers_pass() -> None:
    assert contradictions(MILL) == []
    assert describe(MILL) == "30 minutes, shared with 2 other patients, one-on-one only on the first visit"


@pytest.mark.parametrize(
    ("changes", "fields", "words"),
    [
        (
            {"therapist_minutes": 60, "visit_length_minutes": 30},
            ("therapist_minutes", "visit_length_minutes"),
            "cannot fit in a 30-minute visit",
        ),
        ({"minutes_withheld": True}, ("therapist_minutes", "minutes_withheld"), "not both"),
        ({"therapist_minutes": None}, ("therapist_minutes", "minutes_withheld"), "Enter the minutes"),
        ({"care": Care.ONE_ON_ONE}, ("care", "other_patients"), "one-on-one means no other patients"),
        ({"other_patients": 0}, ("care", "other_patients"), "at least 1 other patient"),
        ({"care": Care.NOT_SAID}, ("care", "other_patients"), "choose “shared”"),
        (
            {"care": Care.ONE_ON_ONE, "other_patients": None, "therapist_minutes": 0},
            ("therapist_minutes", "care"),
            "0 minutes",
        ),
        ({"visits": Visits.EVERY_VISIT}, ("visits", "follow_up_by"), "aide treats on follow-up visits"),
    ],
)
def test_impossible_combinations_name_the_fields_that_disagree(
    changes: dict[str, object], fields: tuple[str, ...], words: str
) -> None:
    found = contradictions(replace(MILL, **changes))  # type: ignore[arg-type]
    assert [c.fields for c in found] == [fields]
    assert words in found[0].message


def test_call_evidence_carries_the_answers() -> None:
    evidence = call_evidence(MILL, called_in=date(2026, 11, 1))
    assert evidence.source == EvidenceSource.CALL
    assert (evidence.one_on_one_minutes, evidence.shared, evidence.every_visit) == (30.0, True, False)


def test_an_aide_on_follow_up_visits_means_not_every_visit_when_unsaid() -> None:
    answers = replace(MILL, visits=Visits.NOT_SAID)
    assert call_evidence(answers, called_in=date(2026, 11, 1)).every_visit is False
    assert (
        call_evidence(replace(answers, follow_up_by=FollowUpBy.ASSISTANT), called_in=date(2026, 11, 1)).every_visit
        is None
    )


def test_withheld_minutes_become_no_figure() -> None:
    answers = replace(MILL, therapist_minutes=None, minutes_withheld=True)
    evidence = call_evidence(answers, called_in=date(2026, 11, 1))
    assert evidence.one_on_one_minutes is None
    assert evidence.minutes_withheld
