"""The values of the verdict rule, pinned where a person meets them: the verdict the JSON API
gives for a clinic after calls reported through the API, on a clock that ``clock`` stops at
noon (UTC) on Monday 15 June 2026 (tests.clock.NOON).

Every number is written out here on purpose, never read from the code: a value that changes
by one in either direction fails a test of this module (finer steps of the ratio are pinned in
tests/core/test_rule_values.py). A change of the rule is a change of docs/methodology.md too;
update both, then these numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.directory.models import Clinic
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


# What a clinic says when asked: minutes alone with the therapist, one-on-one on every visit.
ONE_ON_ONE = {"care": "one_on_one", "visits": "every_visit", "follow_up_by": "therapist"}
# What a mill says: 30 minutes shared with two others, an aide after the first visit.
MILL = {
    "therapist_minutes": 30,
    "care": "shared",
    "other_patients": 2,
    "visits": "first_visit_only",
    "follow_up_by": "aide",
}


def clinic_named(name: str) -> Clinic:
    return make_clinic(name, latitude=41.92, longitude=-87.65)


def post_call(clinic: Clinic, answers: dict[str, Any], *, address: str = "198.51.100.1", called_in: str = "") -> Any:
    body = {"discipline": "pt", "called_in": called_in or f"{datetime.now(UTC):%Y-%m}", **answers}
    answer = Client().post(
        f"/api/v1/clinics/{clinic.pk}/call-reports", body, content_type="application/json", REMOTE_ADDR=address
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["standing"] == "counted"
    return answer


def verdict(clinic: Clinic, **query: Any) -> dict[str, Any]:
    answer = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt", **query})
    assert answer.status_code == 200, answer.content
    result: dict[str, Any] = answer.json()
    return result


def status(clinic: Clinic, **query: Any) -> str:
    return str(verdict(clinic, **query)["status"])


def minutes(count: int) -> dict[str, Any]:
    return {**ONE_ON_ONE, "therapist_minutes": count}


# --- the person's minimum: 30 to 60 minutes, 45 unless they change it ----------------------


def test_bar_range_a_minimum_of_30_and_of_60_minutes_is_taken_29_and_61_are_not(clock: TimeMachineFixture) -> None:
    clinic = clinic_named("Any PT")
    url = f"/api/v1/clinics/{clinic.pk}/verdict"
    for taken in (30, 60):
        assert verdict(clinic, min_minutes=taken)["bar"] == {"min_minutes": taken, "every_visit": True}
    for refused in (29, 61):
        answer = Client().get(url, {"discipline": "pt", "min_minutes": refused})
        assert answer.status_code == 400
        assert answer.json()["error"]["fields"] == ["min_minutes"]


def test_default_bar_45_minutes_meet_the_default_minimum_and_44_do_not(clock: TimeMachineFixture) -> None:
    met, missed = clinic_named("Forty-five PT"), clinic_named("Forty-four PT")
    post_call(met, minutes(45))
    post_call(missed, minutes(44))
    assert verdict(met)["bar"] == {"min_minutes": 45, "every_visit": True}
    assert (status(met), status(missed)) == ("meets_bar", "below_bar")


def test_short_minutes_30_minutes_one_on_one_is_avoid_and_31_is_not(clock: TimeMachineFixture) -> None:
    thirty, thirty_one = clinic_named("Thirty PT"), clinic_named("Thirty-one PT")
    post_call(thirty, minutes(30))
    post_call(thirty_one, minutes(31))
    assert verdict(thirty)["verdict"] == "avoid"
    assert status(thirty) == "mill_signs"
    assert status(thirty_one) == "below_bar"
    # at the lowest minimum, 31 minutes meet it and 30 never do
    assert (status(thirty, min_minutes=30), status(thirty_one, min_minutes=30)) == ("mill_signs", "meets_bar")


# --- ageing and the least weight that decides: one report of exactly two years decides --------


def test_half_life_and_deciding_support_one_call_decides_for_730_days_and_not_on_day_731(
    time_machine: TimeMachineFixture,
) -> None:
    # 1 June 2024 to 1 June 2026 is 730 days: one call then weighs 0.5 ** (730 / 365) = 0.25.
    time_machine.move_to(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False)
    clinic = clinic_named("Old News PT")
    answer = post_call(clinic, minutes(55), called_in="2024-06")
    assert answer.json()["verdict"]["status"] == "meets_bar"
    assert status(clinic) == "meets_bar"
    time_machine.shift(timedelta(days=1))
    assert status(clinic) == "not_enough_known"


# --- a good answer needs twice the weight against it ---------------------------------------


def test_prevail_ratio_two_good_calls_outweigh_one_bad_and_three_do_not_outweigh_two(
    clock: TimeMachineFixture,
) -> None:
    two_to_one, three_to_two = clinic_named("Two to one PT"), clinic_named("Three to two PT")
    for clinic, good, bad in ((two_to_one, 2, 1), (three_to_two, 3, 2)):
        for number in range(good):
            post_call(clinic, minutes(55), address=f"198.51.100.{number}")
            clock.shift(timedelta(minutes=30))  # never more than 3 reports within an hour: none held
        for number in range(bad):
            post_call(clinic, MILL, address=f"203.0.113.{number}")
            clock.shift(timedelta(minutes=30))
    assert status(two_to_one) == "meets_bar"
    assert status(three_to_two) == "reports_disagree"
