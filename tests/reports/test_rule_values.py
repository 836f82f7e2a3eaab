"""The values of the rules on people's reports, pinned where a person meets them: the answers
of the JSON API (201 and ``standing``, or 429 and Retry-After, or 400), on a clock that
``clock`` stops at noon (UTC) on Monday 15 June 2026 (tests.clock.NOON); the waits below count
from there.

Every number is written out here on purpose, never read from the code: a rule whose value
changes by one in either direction fails a test of this module (the last report admitted and
the first one refused or held are both checked). A change of a rule's value is a change of
docs/methodology.md too; update both, then these numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.directory.models import Clinic
from tests.factories import bearer, make_clinic, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Busy PT", latitude=41.92, longitude=-87.65)


def call_body(called_in: str = "") -> dict[str, Any]:
    return {
        "discipline": "pt",
        "called_in": called_in or f"{datetime.now(UTC):%Y-%m}",
        "therapist_minutes": 55,
        "care": "one_on_one",
        "visits": "every_visit",
        "follow_up_by": "therapist",
    }


def post_call(clinic: Clinic, address: str, *, called_in: str = "", headers: dict[str, str] | None = None) -> Any:
    return Client().post(
        f"/api/v1/clinics/{clinic.pk}/call-reports",
        call_body(called_in),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=address,
    )


def visit_body(therapist_minutes: int = 50) -> dict[str, Any]:
    return {
        "discipline": "pt",
        "visited_in": f"{datetime.now(UTC):%Y-%m}",
        "visit_kind": "follow_up_early",
        "scheduled_minutes": 60,
        "therapist_minutes": therapist_minutes,
        "aide_minutes": 5,
        "other_patients": 0,
        "whole_time": "yes",
        "connected": False,
    }


def post_visit(clinic: Clinic, headers: dict[str, str], address: str, therapist_minutes: int = 50) -> Any:
    return Client().post(
        f"/api/v1/clinics/{clinic.pk}/visit-reports",
        visit_body(therapist_minutes),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=address,
    )


def refusal(response: Any) -> tuple[int, str, str]:
    """What a refused report answers: the status, the error code and Retry-After."""
    return response.status_code, response.json()["error"]["code"], response.get("Retry-After", "")


# --- the burst rule: more than 3 reports about one clinic within an hour are held -----------


def test_burst_the_4th_call_report_about_one_clinic_within_an_hour_is_held(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    answers = [post_call(clinic, f"198.51.100.{i}") for i in range(1, 5)]
    assert [a.status_code for a in answers] == [201, 201, 201, 201]
    assert [a.json()["standing"] for a in answers] == ["counted", "counted", "counted", "held"]
    verdict = answers[-1].json()["verdict"]
    assert (verdict["reporters"], verdict["under_review"]) == (3, True)


def test_burst_a_call_report_an_hour_after_3_others_counts(clock: TimeMachineFixture, clinic: Clinic) -> None:
    for i in range(1, 4):
        assert post_call(clinic, f"198.51.100.{i}").json()["standing"] == "counted"
    clock.shift(timedelta(hours=1))
    assert post_call(clinic, "198.51.100.4").json()["standing"] == "counted"


# --- one clinic counts at most 10 reports from everyone together in any 24 hours; past them,
# reports are held for a moderator, never refused ---------------------------------------------


def test_clinic_daily_cap_the_11th_report_about_one_clinic_in_24_hours_is_held_not_refused(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    for i in range(1, 11):
        sent = post_call(clinic, f"203.0.113.{i}")
        assert (sent.status_code, sent.json()["standing"]) == (201, "counted"), f"report {i}"
        clock.shift(timedelta(hours=2))  # one every two hours: never a burst
    eleventh = post_call(clinic, "203.0.113.11")  # 20 hours after the first: all ten are in the window
    assert (eleventh.status_code, eleventh.json()["standing"]) == (201, "held")
    assert eleventh.json()["verdict"]["under_review"] is True


# --- one connection: 10 reports in any hour, 3 about one clinic in any 24 hours -------------


def test_connection_hourly_limit_the_11th_report_from_one_connection_within_an_hour_is_refused(
    clock: TimeMachineFixture, db: None
) -> None:
    clinics = [make_clinic(f"Clinic {i}", latitude=41.9 + i / 100, longitude=-87.6) for i in range(11)]
    for number, clinic in enumerate(clinics[:10], start=1):
        assert post_call(clinic, "192.0.2.10").status_code == 201, f"report {number}"
    refused = post_call(clinics[10], "192.0.2.10")
    assert refusal(refused) == (429, "rate_limited", "3600")
    assert "You have sent 10 reports in the last hour" in refused.json()["error"]["message"]
    assert post_call(clinics[10], "192.0.2.11").status_code == 201  # another connection


def test_connection_clinic_limit_the_4th_report_from_one_connection_about_one_clinic_is_refused(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    answers = [post_call(clinic, "192.0.2.20") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    # a second before the first of them is a day old, then that second later
    clock.shift(timedelta(hours=23, minutes=59, seconds=59))
    refused = post_call(clinic, "192.0.2.20")
    assert refusal(refused) == (429, "rate_limited", "1")
    assert "You have sent 3 reports about this clinic in the last 24 hours" in refused.json()["error"]["message"]
    clock.shift(timedelta(seconds=1))
    assert post_call(clinic, "192.0.2.20").status_code == 201


# --- one account: at most 10 reports a day, calls and visits together -----------------------


def test_account_daily_limit_the_11th_report_from_one_account_in_a_day_is_refused(
    clock: TimeMachineFixture, db: None
) -> None:
    token = bearer(make_person("ana@example.org"))
    clinics = [make_clinic(f"Clinic {i}", latitude=41.9 + i / 100, longitude=-87.6) for i in range(11)]
    for number, clinic in enumerate(clinics[:10], start=1):
        answer = post_call(clinic, f"198.51.100.{number}", headers=token)
        assert answer.status_code == 201, f"report {number}"
    refused = post_call(clinics[10], "198.51.100.11", headers=token)
    assert refusal(refused) == (429, "rate_limited", "43200")  # until midnight UTC
    assert "You have sent 10 reports today" in refused.json()["error"]["message"]
    clock.shift(timedelta(hours=12))
    assert post_call(clinics[10], "198.51.100.12", headers=token).status_code == 201


# --- repeats: one connection's reports about one clinic count once within 30 days ----------


def test_repeat_window_a_report_29_days_after_the_first_is_a_repeat_and_30_days_after_counts(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    assert post_call(clinic, "192.0.2.30").json()["standing"] == "counted"
    clock.shift(timedelta(days=29))
    assert post_call(clinic, "192.0.2.30").json()["standing"] == "repeat"
    clock.shift(timedelta(days=1))
    assert post_call(clinic, "192.0.2.30").json()["standing"] == "counted"


# --- how old a call may be: 36 months -------------------------------------------------------


def test_oldest_report_a_call_36_months_back_is_taken_and_37_months_back_is_refused(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    assert post_call(clinic, "192.0.2.40", called_in="2023-06").status_code == 201
    refused = post_call(clinic, "192.0.2.41", called_in="2023-05")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_input"
    assert "more than 3 years old" in refused.json()["error"]["message"]


# --- Care Time: at most 2 counted visits per person, clinic and month; figures from 3 people -


def test_visits_per_person_a_month_the_3rd_visit_report_of_one_month_is_stored_not_counted(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    token = bearer(make_person("ben@example.org"))
    standings = []
    for minutes in (50, 51, 52):
        answer = post_visit(clinic, token, "198.51.100.50", therapist_minutes=minutes)
        assert answer.status_code == 201, answer.content
        standings.append(answer.json()["standing"])
        clock.shift(timedelta(days=1))  # one visit a day, all in June
    assert standings == ["counted", "counted", "repeat"]
    profile = Client().get(f"/api/v1/clinics/{clinic.pk}/care-time", {"discipline": "pt"}).json()
    assert (profile["reporters"], profile["reports"]) == (1, 2)


def test_care_time_reporters_figures_appear_from_the_3rd_person_on(clock: TimeMachineFixture, clinic: Clinic) -> None:
    url = f"/api/v1/clinics/{clinic.pk}/care-time"
    for number, name in enumerate(("cai", "dee", "eve"), start=1):
        answer = post_visit(clinic, bearer(make_person(f"{name}@example.org")), f"198.51.100.{60 + number}")
        assert answer.status_code == 201, answer.content
        clock.shift(timedelta(hours=1))  # no burst
        profile = Client().get(url, {"discipline": "pt"}).json()
        assert profile["reporters"] == number
        if number < 3:
            assert (profile["shows_figures"], profile["typical_minutes"]) == (False, None)
    assert (profile["shows_figures"], profile["typical_minutes"]) == (True, 50)


# --- what a call report can say: minutes up to 240, up to 20 other patients, a 1,000-character note


def test_call_answer_bounds_240_minutes_20_other_patients_and_1000_note_characters_are_taken(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    def sent(address: str, **changes: Any) -> Any:
        body = {**call_body(), **changes}
        return Client().post(
            f"/api/v1/clinics/{clinic.pk}/call-reports", body, content_type="application/json", REMOTE_ADDR=address
        )

    shared = {"care": "shared", "therapist_minutes": 20, "visits": "first_visit_only", "follow_up_by": "aide"}
    taken = [
        sent("192.0.2.50", therapist_minutes=240, visit_length_minutes=240),
        sent("192.0.2.51", **shared, other_patients=20),
        sent("192.0.2.52", note="n" * 1000),
    ]
    assert [answer.status_code for answer in taken] == [201, 201, 201]
    refused = {
        "therapist_minutes": sent("192.0.2.53", therapist_minutes=241),
        "other_patients": sent("192.0.2.54", **shared, other_patients=21),
        "note": sent("192.0.2.55", note="n" * 1001),
    }
    assert {field: answer.status_code for field, answer in refused.items()} == dict.fromkeys(refused, 400)
    assert all(field in answer.json()["error"]["fields"] for field, answer in refused.items())
