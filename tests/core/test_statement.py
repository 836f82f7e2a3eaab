"""What a clinic states about itself: its weight, its checks, and when reports contradict it."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from caretime.core.calls import FollowUpBy
from caretime.core.care_time import PATIENT_REPORT_WEIGHT
from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.statement import (
    STATED_WEIGHT,
    ClinicStatement,
    contradicting_people,
    statement_evidence,
    statement_problems,
)
from caretime.core.verdict import Bar, Status, assess

DAY = date(2026, 6, 1)
GOOD = ClinicStatement(
    one_on_one_minutes=55, every_visit=True, most_patients_at_once=1, follow_up_by=FollowUpBy.THERAPIST
)


def patient(*, shared: bool, person: str = "", minutes: float = 50) -> Evidence:
    return Evidence(EvidenceSource.PATIENT_REPORT, DAY, shared=shared, one_on_one_minutes=minutes, person=person)


def test_a_statement_weighs_less_than_one_patient_report() -> None:
    assert STATED_WEIGHT == 0.5
    assert STATED_WEIGHT < PATIENT_REPORT_WEIGHT
    stated = statement_evidence(GOOD, stated_on=date(2026, 6, 17))
    assert stated.source == EvidenceSource.DECLARED_POLICY
    assert stated.observed_on == DAY
    # One patient who saw shared care outweighs the clinic's word: signs of a patient mill.
    verdict = assess([stated, patient(shared=True, minutes=25)], Bar(45, True), as_of=DAY)
    assert verdict.status == Status.MILL_SIGNS


def test_a_statement_alone_can_say_good() -> None:
    stated = statement_evidence(GOOD, stated_on=DAY)
    assert assess([stated], Bar(45, True), as_of=DAY).status == Status.MEETS_BAR


def test_impossible_statements_name_their_fields() -> None:
    bad = ClinicStatement(0, True, 0, FollowUpBy.AIDE)
    assert set(statement_problems(bad)) == {"one_on_one_minutes", "most_patients_at_once", "every_visit"}
    assert statement_problems(GOOD) == {}


def test_people_are_counted_once_and_only_witnesses_count() -> None:
    evidence = [
        patient(shared=True, person="a"),
        patient(shared=True, person="a"),
        patient(shared=True, person="b"),
        patient(shared=False, person="c"),
        Evidence(EvidenceSource.WORKER_REPORT, DAY, reporters=5, shared=True),
        Evidence(EvidenceSource.CALL, DAY, shared=True),
        Evidence(EvidenceSource.BILLING, DAY, shared=True),
    ]
    assert contradicting_people(evidence, one_on_one=True) == 2 + 5


def test_minutes_contradict_only_well_below_what_is_stated() -> None:
    close, far = patient(shared=False, minutes=40), patient(shared=False, minutes=39)
    assert contradicting_people([close], one_on_one=True, minutes=55) == 0
    assert contradicting_people([far], one_on_one=True, minutes=55) == 1


@given(st.lists(st.booleans(), max_size=12))
def test_nothing_contradicts_a_schedule_that_shows_sharing(shared: list[bool]) -> None:
    evidence = [patient(shared=value, person=str(index)) for index, value in enumerate(shared)]
    assert contradicting_people(evidence, one_on_one=False) == 0
    assert contradicting_people(evidence, one_on_one=True) == sum(shared)
