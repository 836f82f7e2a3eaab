"""The values of the review rules, pinned where a person meets them: the JSON API's answers to
reviews sent with a personal token, on a clock that ``clock`` stops at noon (UTC) on Monday
15 June 2026 (tests.clock.NOON); the waits below count from there.

Every number is written out here on purpose, never read from the code: a value that changes
by one in either direction fails a test of this module. A change of a rule is a change of
docs/methodology.md too; update both, then these numbers.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.core.reviews import is_near_duplicate, star_summary
from caretime.directory.models import Clinic
from tests.clock import NOON
from tests.factories import bearer, make_clinic, make_person

pytestmark = pytest.mark.django_db


# Six reviews that share no more words than any reviews of one clinic do.
TEXTS = [
    "The front desk booked me for an hour and I got the whole hour with a therapist.",
    "Scheduling was easy, the billing was clear and the exercises were explained well each time.",
    "They double booked every slot and I spent most visits on a bike while staff ran between patients.",
    "Friendly staff, but the visits felt rushed and the plan was never explained to me at all.",
    "Clean gym, short waits, and the home program they gave me really helped my knee recover.",
    "Parking was hard to find; inside, my shoulder finally improved after six weeks of careful work.",
]

_ADDRESSES = (f"198.51.100.{n}" for n in itertools.count(1))
_PEOPLE = (f"writer{n}@example.org" for n in itertools.count(1))


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Riverside PT", latitude=41.92, longitude=-87.65)


def post_review(clinic: Clinic, text: str, *, headers: dict[str, str] | None = None) -> Any:
    """A review from a person of their own (unless ``headers`` name one), from an address of its own."""
    data = {
        "discipline": "pt",
        "stars": 4,
        "text": text,
        "visited_in": f"{datetime.now(UTC):%Y-%m}",
        "connected": False,
    }
    return Client().post(
        f"/api/v1/clinics/{clinic.pk}/reviews",
        data,
        content_type="application/json",
        headers=headers or bearer(make_person(next(_PEOPLE))),
        REMOTE_ADDR=next(_ADDRESSES),
    )


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()
    return data


# --- a burst: more than 5 reviews of one clinic within 24 hours freezes it for 72 hours ------


def test_review_burst_the_6th_review_of_one_clinic_within_a_day_freezes_it_for_72_hours(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    reasons = []
    for text in TEXTS:
        reasons.append(created(post_review(clinic, text))["hold_reason"])
        clock.shift(timedelta(hours=4))  # six reviews within 20 hours
    assert reasons == ["", "", "", "", "", "burst"]
    listing = Client().get(f"/api/v1/clinics/{clinic.pk}/reviews").json()
    # frozen from the 6th review (20 hours after noon) for 72 hours
    assert datetime.fromisoformat(listing["frozen_until"]) == NOON + timedelta(hours=20 + 72)


def test_review_freeze_a_review_71_hours_after_a_burst_is_held_and_one_after_72_hours_is_not(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    for text in TEXTS:
        created(post_review(clinic, text))
    clock.shift(timedelta(hours=71))
    late = "Seventy-one hours later the waiting room was calm and my therapist stayed with me throughout."
    assert created(post_review(clinic, late))["hold_reason"] == "burst"
    clock.shift(timedelta(hours=1))
    later = "After three days the clinic felt like itself again; the hour was mine and nobody else's."
    assert created(post_review(clinic, later))["hold_reason"] == ""


# --- one account writes at most 3 reviews a day ----------------------------------------------


def test_account_reviews_per_day_the_4th_review_from_one_account_in_a_day_is_refused(
    clock: TimeMachineFixture, db: None
) -> None:
    token = bearer(make_person("ana@example.org"))
    clinics = [make_clinic(f"Clinic {i}", latitude=41.9 + i / 100, longitude=-87.6) for i in range(4)]
    for clinic, text in zip(clinics[:3], TEXTS, strict=False):
        created(post_review(clinic, text, headers=token))
    refused = post_review(clinics[3], TEXTS[3], headers=token)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "43200"  # until midnight
    assert "You have written 3 reviews today" in refused.json()["error"]["message"]


# --- the text: 20 to 3,000 characters --------------------------------------------------------


def test_review_length_20_and_3000_characters_are_taken_19_and_3001_are_not(clock: TimeMachineFixture) -> None:
    def sent(length: int) -> int:
        clinic = make_clinic(f"Clinic {length}", latitude=41.9, longitude=-87.6)
        return int(post_review(clinic, "x" * length).status_code)

    assert {length: sent(length) for length in (19, 20, 3000, 3001)} == {19: 400, 20: 201, 3000: 201, 3001: 400}


# --- near duplicates: looked for among the reviews of the last 183 days ----------------------


def test_near_duplicate_days_a_copy_of_a_review_183_days_old_is_held_and_of_one_184_days_old_is_not(
    clock: TimeMachineFixture, db: None
) -> None:
    places = [make_clinic(f"Clinic {i}", latitude=41.9 + i / 100, longitude=-87.6) for i in range(4)]
    created(post_review(places[0], TEXTS[2]))  # 184 days before the copies
    clock.shift(timedelta(days=1))
    created(post_review(places[1], TEXTS[3]))  # 183 days before the copies
    clock.shift(timedelta(days=183))
    assert created(post_review(places[2], TEXTS[3].upper()))["hold_reason"] == "near_duplicate"
    assert created(post_review(places[3], TEXTS[2].upper()))["hold_reason"] == ""


# --- framework-free rules: the average from 3 reviews, near duplicates from a score of 90 -----


def test_star_average_is_shown_from_3_reviews() -> None:
    assert star_summary([5, 4]).average is None
    assert star_summary([5, 4, 3]).average == 4.0


def test_near_duplicate_score_texts_that_score_90_are_near_duplicates_and_89_are_not() -> None:
    base = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv"
    assert len(base) == 100
    # the token-sort ratio of one word and its first k characters: 200 k / (100 + k)
    ninety = base[:82]  # 16,400 / 182 = 90.1
    eighty_nine = base[:81]  # 16,200 / 181 = 89.5
    assert is_near_duplicate(ninety, [base])
    assert not is_near_duplicate(eighty_nine, [base])


def test_review_stars_1_to_5_are_taken_0_and_6_are_not(clock: TimeMachineFixture) -> None:
    def sent(stars: int) -> int:
        clinic = make_clinic(f"Clinic {stars}", latitude=41.9, longitude=-87.6)
        data = {
            "discipline": "pt",
            "stars": stars,
            "text": TEXTS[stars % 6],
            "visited_in": "2026-06",
            "connected": False,
        }
        response = Client().post(
            f"/api/v1/clinics/{clinic.pk}/reviews",
            data,
            content_type="application/json",
            headers=bearer(make_person(next(_PEOPLE))),
            REMOTE_ADDR=next(_ADDRESSES),
        )
        return int(response.status_code)

    assert {stars: sent(stars) for stars in (0, 1, 5, 6)} == {0: 400, 1: 201, 5: 201, 6: 400}
