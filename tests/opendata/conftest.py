"""A small directory with evidence on both sides of the publication thresholds."""

from __future__ import annotations

import pytest

from caretime.directory.models import Clinic
from caretime.verdicts.actions import record_visit_report
from tests.answers import GOOD_VISIT, ONE_ON_ONE
from tests.factories import add_call, make_person, today


@pytest.fixture
def open_directory(chicago_clinics: dict[str, Clinic]) -> dict[str, Clinic]:
    """The three Chicago clinics; the nearest has three people's visit reports (Care Time shows)
    and a call, the one in the Loop two people's visit reports (too few for figures)."""
    for n in range(3):
        person = make_person(f"near{n}@example.org")
        record_visit_report(
            account=person, clinic=chicago_clinics["near"], discipline="pt", visited_in=today(), facts=GOOD_VISIT
        )
    for n in range(2):
        person = make_person(f"loop{n}@example.org")
        record_visit_report(
            account=person, clinic=chicago_clinics["mid"], discipline="slp", visited_in=today(), facts=GOOD_VISIT
        )
    add_call(chicago_clinics["near"], ONE_ON_ONE)
    return chicago_clinics
