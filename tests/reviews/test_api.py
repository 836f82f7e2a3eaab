"""Reviews through the API, end to end over HTTP: who may write, what waits for a moderator and
what readers see, the refusals, the facts filed as a visit report, the preview of screening,
and the star summary."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caretime.accounts.services import create_api_token
from caretime.core.reviews import Rule
from caretime.directory.models import Clinic, Clinician
from caretime.reports.models import VisitReport
from caretime.reviews import services as review_services
from caretime.reviews.models import Review, ReviewFreeze
from caretime.reviews.services import moderate
from tests.api import assert_error
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

# A different client address for each review, so that the per-connection limits of reports
# (3 about one clinic a day) never get in the way of tests that need several reviews.
_ADDRESSES = (f"198.51.100.{n}" for n in itertools.count(1))

TEXTS = [
    "The front desk booked me for an hour and I got the whole hour with a therapist.",
    "Scheduling was easy, the billing was clear and the exercises were explained well each time.",
    "They double booked every slot and I spent most visits on a bike while staff ran between patients.",
    "Friendly staff, but the visits felt rushed and the plan was never explained to me at all.",
    "Clean gym, short waits, and the home program they gave me really helped my knee recover.",
]


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Riverside PT", latitude=41.92, longitude=-87.65)


@pytest.fixture
def moderator(db: None) -> User:
    return User.objects.create_user("moderator", "moderator@example.org", is_staff=True)


def person(email: str, *, verified: bool = True) -> User:
    user = User.objects.create_user(username=email.split("@")[0], email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_api_token(user=user, name='phone').secret}"}


def this_month() -> date:
    return timezone.now().date().replace(day=1)


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "discipline": "pt",
        "stars": 4,
        "text": TEXTS[0],
        "visited_in": f"{this_month():%Y-%m}",
        "connected": False,
    }
    data.update(changes)
    return data


def reviews_url(clinic: Clinic) -> str:
    return f"/api/v1/clinics/{clinic.pk}/reviews"


def post_review(user: User | None, clinic: Clinic, data: dict[str, Any]) -> Any:
    """A review sent with the person's API token (none for None), from a fresh client address."""
    headers = bearer(user) if user is not None else {}
    return Client().post(
        reviews_url(clinic),
        json.dumps(data),
        content_type="application/json",
        REMOTE_ADDR=next(_ADDRESSES),
        headers=headers,
    )


def write(email: str, clinic: Clinic, **changes: Any) -> Review:
    """A verified person's review, sent through the API; returns the stored review."""
    response = post_review(person(email), clinic, body(**changes))
    assert response.status_code == 201, response.content
    return Review.objects.get(pk=response.json()["id"])


def listing(clinic: Clinic) -> dict[str, Any]:
    response = Client().get(reviews_url(clinic))
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def preview(data: dict[str, Any], **extra: Any) -> Any:
    return Client().post("/api/v1/reviews/preview", json.dumps(data), content_type="application/json", **extra)


def gonzalez(clinic: Clinic) -> Clinician:
    clinician = Clinician.objects.create(first_name="Maria", last_name="Gonzalez", credential="DPT", discipline="pt")
    clinician.clinics.add(clinic)
    return clinician


# --- who may write -------------------------------------------------------------------------


def test_writing_needs_a_signed_in_person(clinic: Clinic) -> None:
    response = post_review(None, clinic, body())
    assert_error(response, 401, "unauthenticated", "log in")
    assert not Review.objects.exists()


def test_writing_needs_a_verified_address(clinic: Clinic) -> None:
    response = post_review(person("bo@example.org", verified=False), clinic, body())
    assert_error(response, 403, "email_not_verified", "Verify your e-mail address")
    assert not Review.objects.exists()


def test_a_signed_in_session_needs_its_csrf_token(clinic: Clinic) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person("ana@example.org"))
    response = client.post(reviews_url(clinic), json.dumps(body()), content_type="application/json")
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_an_unknown_clinic_is_a_404(clinic: Clinic) -> None:
    response = Client().post(
        "/api/v1/clinics/999999/reviews",
        json.dumps(body()),
        content_type="application/json",
        headers=bearer(person("ana@example.org")),
    )
    assert_error(response, 404, "not_found", "999999")
    assert Client().get("/api/v1/clinics/999999/reviews").status_code == 404


# --- from pending to published -------------------------------------------------------------


def test_a_review_waits_for_a_moderator_and_then_shows_screened(clinic: Clinic, moderator: User) -> None:
    gonzalez(clinic)
    text = "Maria Gonzalez was kind, but the clinic booked three of us into every single hour."
    response = post_review(person("ana@example.org"), clinic, body(text=text, stars=2, time_rating=1, billing_rating=4))

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "pending"
    assert created["hold_reason"] == ""
    assert created["screened"] is True
    assert created["url"] == reverse("clinic-detail", args=[clinic.pk])
    assert created["sub_ratings"] == {"time_rating": 1, "billing_rating": 4}
    assert "Gonzalez" not in created["text"]
    assert "account" not in created

    waiting = listing(clinic)
    assert waiting["reviews"] == []
    assert waiting["counts"] == {"published": 0, "not_recommended": 0, "removed": 0, "pending": 1}
    assert waiting["stars"] == {"reviews": 0, "average": None, "counts": [0, 0, 0, 0, 0]}
    assert waiting["frozen_until"] is None
    assert waiting["policy_url"] == reverse("review-policy")

    moderate(Review.objects.get(pk=created["id"]), moderator=moderator, rule=Rule.MEETS_POLICY)

    shown = listing(clinic)
    assert shown["counts"] == {"published": 1, "not_recommended": 0, "removed": 0, "pending": 0}
    assert shown["stars"] == {"reviews": 1, "average": None, "counts": [0, 1, 0, 0, 0]}
    [review] = shown["reviews"]
    assert review["id"] == created["id"]
    assert review["text"] == created["text"]
    assert "Gonzalez" not in json.dumps(shown)
    assert review["stars"] == 2
    assert review["sub_ratings"] == {"time_rating": 1, "billing_rating": 4}
    assert review["visited_in"] == f"{this_month():%Y-%m}"
    assert review["connected"] is False
    assert review["published_on"] == f"{timezone.now().date():%Y-%m-%d}"
    assert review["edited"] is False
    assert review["is_demo"] is False


def test_reviews_that_are_not_published_are_only_counted(clinic: Clinic, moderator: User) -> None:
    removed = write("ana@example.org", clinic, text=TEXTS[0])
    not_recommended = write("bo@example.org", clinic, text=TEXTS[1])
    published = write("cy@example.org", clinic, text=TEXTS[2])
    write("di@example.org", clinic, text=TEXTS[3])
    moderate(removed, moderator=moderator, rule=Rule.SPAM)
    moderate(not_recommended, moderator=moderator, rule=Rule.NOT_FIRST_HAND)
    moderate(published, moderator=moderator, rule=Rule.MEETS_POLICY)

    shown = listing(clinic)
    assert [r["id"] for r in shown["reviews"]] == [published.pk]
    assert shown["counts"] == {"published": 1, "not_recommended": 1, "removed": 1, "pending": 1}


def test_the_newest_review_comes_first(clinic: Clinic, moderator: User) -> None:
    older = write("ana@example.org", clinic, text=TEXTS[0])
    newer = write("bo@example.org", clinic, text=TEXTS[1])
    for review in (older, newer):
        moderate(review, moderator=moderator, rule=Rule.MEETS_POLICY)
    assert [r["id"] for r in listing(clinic)["reviews"]] == [newer.pk, older.pk]


def test_a_second_review_of_the_same_clinic_is_a_409(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    assert post_review(ana, clinic, body()).status_code == 201
    again = post_review(ana, clinic, body(text=TEXTS[1], stars=1))
    assert_error(again, 409, "duplicate_review", "already reviewed this clinic")
    assert Review.objects.count() == 1


def test_a_review_waits_unpublished_when_screening_fails(clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the screening broke")

    monkeypatch.setattr(review_services, "screen", broken)
    response = post_review(person("ana@example.org"), clinic, body())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["screened"] is False
    assert created["hold_reason"] == "screening_failed"
    assert created["text"] == ""
    assert listing(clinic)["reviews"] == []


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "fields"),
    [
        pytest.param({"stars": 0}, "invalid_input", {"stars"}, id="no stars"),
        pytest.param({"stars": 6}, "invalid_input", {"stars"}, id="six stars"),
        pytest.param({"stars": "5"}, "invalid_input", {"stars"}, id="stars as text"),
        pytest.param({"stars": 4.5}, "invalid_input", {"stars"}, id="half a star"),
        pytest.param({"stars": True}, "invalid_input", {"stars"}, id="stars as a boolean"),
        pytest.param({"time_rating": 7}, "invalid_input", {"time_rating"}, id="sub-rating out of range"),
        pytest.param({"text": "Too short."}, "invalid_input", {"text"}, id="short text"),
        pytest.param({"text": "x" * 3001}, "invalid_input", {"text"}, id="long text"),
        pytest.param({"text": "A review with a NUL \x00 character."}, "invalid_input", {"text"}, id="NUL"),
        pytest.param({"connected": "no"}, "invalid_input", {"connected"}, id="connected as text"),
        pytest.param({"visited_in": "last May"}, "invalid_input", {"visited_in"}, id="not a month"),
        pytest.param({"visited_in": "2099-01"}, "invalid_input", {"visited_in"}, id="future month"),
        pytest.param({"discipline": "slp"}, "discipline_not_offered", {"discipline"}, id="therapy not offered"),
        pytest.param({"discipline": "yoga"}, "invalid_input", {"discipline"}, id="not a therapy"),
        pytest.param({"rating": 5}, "invalid_input", {"rating"}, id="unknown key"),
        pytest.param({"therapist_minutes": 40}, "invalid_input", {"other_patients"}, id="minutes alone"),
        pytest.param({"other_patients": 0}, "invalid_input", {"therapist_minutes"}, id="others alone"),
        pytest.param({"every_visit": True}, "invalid_input", {"every_visit"}, id="every visit alone"),
        pytest.param(
            {"therapist_minutes": 40, "other_patients": 4}, "invalid_input", {"other_patients"}, id="four others"
        ),
        pytest.param(
            {"therapist_minutes": "40", "other_patients": 0}, "invalid_input", {"therapist_minutes"}, id="minutes text"
        ),
    ],
)
def test_a_refused_review_stores_nothing(clinic: Clinic, changes: dict[str, Any], code: str, fields: set[str]) -> None:
    response = post_review(person("ana@example.org"), clinic, body(**changes))
    assert_error(response, 400, code, "", fields)
    assert not Review.objects.exists()
    assert not VisitReport.objects.exists()


def test_a_missing_field_is_refused(clinic: Clinic) -> None:
    data = body()
    del data["stars"]
    assert_error(post_review(person("ana@example.org"), clinic, data), 400, "invalid_input", "", {"stars"})
    assert not Review.objects.exists()


def test_a_form_post_is_refused(clinic: Clinic) -> None:
    response = Client().post(reviews_url(clinic), body(), headers=bearer(person("ana@example.org")))
    assert_error(response, 415, "unsupported_media_type", "JSON")
    assert not Review.objects.exists()


def test_an_account_writes_at_most_three_reviews_a_day(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    others = [make_clinic(f"Clinic {n}", latitude=41.9, longitude=-87.6) for n in range(3)]
    for other, text in zip(others, TEXTS, strict=False):
        assert post_review(ana, other, body(text=text)).status_code == 201
    refused = post_review(ana, clinic, body(text=TEXTS[4]))
    assert_error(refused, 429, "rate_limited", "reviews today")
    assert int(refused["Retry-After"]) > 0
    assert not Review.objects.filter(clinic=clinic).exists()


# --- the facts of the visits ---------------------------------------------------------------


def care_time_reporters(clinic: Clinic) -> int:
    response = Client().get(f"/api/v1/clinics/{clinic.pk}/care-time", {"discipline": "pt"})
    assert response.status_code == 200, response.content
    reporters: int = response.json()["reporters"]
    return reporters


def test_the_facts_are_filed_as_the_persons_visit_report(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    response = post_review(ana, clinic, body(therapist_minutes=45, other_patients=0, every_visit=True))
    assert response.status_code == 201, response.content
    assert response.json()["facts_filed"] is True

    [report] = VisitReport.objects.all()
    assert report.account == ana
    assert report.clinic == clinic
    assert report.therapist_minutes == 45
    assert Review.objects.get().visit_report == report
    assert care_time_reporters(clinic) == 1


def test_a_person_with_a_visit_report_and_a_review_is_one_reporter(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    visit = {
        "discipline": "pt",
        "visited_in": f"{this_month():%Y-%m}",
        "visit_kind": "follow_up_early",
        "scheduled_minutes": 60,
        "therapist_minutes": 50,
        "aide_minutes": 5,
        "other_patients": 0,
        "whole_time": "yes",
        "connected": False,
    }
    filed = Client().post(
        f"/api/v1/clinics/{clinic.pk}/visit-reports",
        json.dumps(visit),
        content_type="application/json",
        headers=bearer(ana),
    )
    assert filed.status_code == 201, filed.content

    response = post_review(ana, clinic, body(therapist_minutes=20, other_patients=2, every_visit=False))
    assert response.status_code == 201, response.content
    assert VisitReport.objects.filter(account=ana, clinic=clinic).count() == 2
    assert care_time_reporters(clinic) == 1


def test_a_review_without_facts_files_no_visit_report(clinic: Clinic) -> None:
    response = post_review(person("ana@example.org"), clinic, body())
    assert response.status_code == 201, response.content
    assert response.json()["facts_filed"] is False
    assert not VisitReport.objects.exists()


# --- the preview ---------------------------------------------------------------------------


def test_the_preview_replaces_a_clinicians_name(clinic: Clinic) -> None:
    gonzalez(clinic)
    response = preview({"clinic_id": clinic.pk, "text": "Maria Gonzalez listened, and Gonzalez never rushed me."})
    assert response.status_code == 200, response.content
    assert "Gonzalez" not in response.content.decode()
    answer = response.json()
    assert answer["screened"] is True
    assert answer["changed"] is True
    assert answer["found"]
    assert all(set(found) == {"kind", "replacement"} for found in answer["found"])
    assert all(found["replacement"] in answer["text"] for found in answer["found"])
    assert not Review.objects.exists()


def test_the_preview_leaves_a_text_without_names_alone(clinic: Clinic) -> None:
    response = preview({"clinic_id": clinic.pk, "text": TEXTS[1]})
    assert response.status_code == 200, response.content
    assert response.json() == {"text": TEXTS[1], "changed": False, "found": [], "screened": True}


def test_the_preview_when_screening_fails(clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the screening broke")

    monkeypatch.setattr(review_services, "screen", broken)
    gonzalez(clinic)
    response = preview({"clinic_id": clinic.pk, "text": "Maria Gonzalez listened to every word I said."})
    assert response.status_code == 200
    assert response.json() == {"text": "", "changed": False, "found": [], "screened": False}


@pytest.mark.parametrize("clinic_id", [999_999, -1, 2**70])
def test_the_preview_of_an_unknown_clinic_is_a_404(clinic: Clinic, clinic_id: int) -> None:
    assert_error(preview({"clinic_id": clinic_id, "text": TEXTS[0]}), 404, "not_found", str(clinic_id))


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        pytest.param({"text": "x" * 3001}, {"text"}, id="long text"),
        pytest.param({"text": 42}, {"text"}, id="text not a string"),
        pytest.param({"clinic_id": "1"}, {"clinic_id"}, id="clinic id as text"),
        pytest.param({"stars": 5}, {"stars"}, id="unknown key"),
    ],
)
def test_the_preview_refuses_bad_bodies(clinic: Clinic, data: dict[str, Any], fields: set[str]) -> None:
    assert_error(preview({"clinic_id": clinic.pk, "text": TEXTS[0], **data}), 400, "invalid_input", "", fields)


def test_the_preview_is_json_only_and_same_site(clinic: Clinic) -> None:
    form = Client().post("/api/v1/reviews/preview", {"clinic_id": clinic.pk, "text": TEXTS[0]})
    assert_error(form, 415, "unsupported_media_type", "JSON")
    elsewhere = preview({"clinic_id": clinic.pk, "text": TEXTS[0]}, HTTP_SEC_FETCH_SITE="cross-site")
    assert_error(elsewhere, 403, "cross_site_request", "another website")


# --- the stars -----------------------------------------------------------------------------


def test_the_average_needs_three_counted_reviews(clinic: Clinic, moderator: User) -> None:
    for n, stars in enumerate((5, 2)):
        review = write(f"p{n}@example.org", clinic, stars=stars, text=TEXTS[n])
        moderate(review, moderator=moderator, rule=Rule.MEETS_POLICY)
    assert listing(clinic)["stars"] == {"reviews": 2, "average": None, "counts": [0, 1, 0, 0, 1]}

    third = write("p2@example.org", clinic, stars=4, text=TEXTS[2])
    moderate(third, moderator=moderator, rule=Rule.MEETS_POLICY)
    stars = listing(clinic)["stars"]
    assert stars == {"reviews": 3, "average": pytest.approx(11 / 3, abs=0.01), "counts": [0, 1, 0, 1, 1]}


def test_a_connected_persons_review_is_shown_but_not_counted(clinic: Clinic, moderator: User) -> None:
    for n in range(2):
        moderate(
            write(f"p{n}@example.org", clinic, stars=2, text=TEXTS[n]), moderator=moderator, rule=Rule.MEETS_POLICY
        )
    insider = write("owner@example.org", clinic, stars=5, text=TEXTS[2], connected=True)
    moderate(insider, moderator=moderator, rule=Rule.MEETS_POLICY)

    shown = listing(clinic)
    assert {r["id"]: r["connected"] for r in shown["reviews"]}[insider.pk] is True
    assert len(shown["reviews"]) == 3
    assert shown["counts"]["published"] == 3
    assert shown["stars"] == {"reviews": 2, "average": None, "counts": [0, 2, 0, 0, 0]}


def test_the_listing_never_says_whose_a_review_is(clinic: Clinic, moderator: User) -> None:
    ana = person("ana.writer@example.org")
    response = post_review(ana, clinic, body())
    assert response.status_code == 201, response.content
    moderate(Review.objects.get(), moderator=moderator, rule=Rule.MEETS_POLICY)

    raw = Client().get(reviews_url(clinic)).content.decode()
    assert "ana.writer" not in raw
    assert "example.org" not in raw

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    found = keys(json.loads(raw))
    assert not found & {"account", "account_id", "user", "user_id", "author", "email", "username"}
    [review] = json.loads(raw)["reviews"]
    assert set(review) == {
        "id",
        "discipline",
        "stars",
        "sub_ratings",
        "text",
        "visited_in",
        "connected",
        "published_on",
        "edited",
        "is_demo",
    }


def test_the_preview_takes_only_posts(clinic: Clinic) -> None:
    assert_error(Client().get("/api/v1/reviews/preview"), 405, "method_not_allowed", "GET")


def test_the_openapi_document_lists_the_review_paths(db: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    listing_and_writing = paths["/api/v1/clinics/{clinic_id}/reviews"]
    assert listing_and_writing["get"]["tags"] == ["reviews"]
    assert listing_and_writing["post"]["tags"] == ["reviews"]
    assert "security" not in listing_and_writing["get"]
    assert listing_and_writing["post"]["security"]
    assert "security" not in paths["/api/v1/reviews/preview"]["post"]


def test_the_listing_names_the_end_of_a_freeze_only_while_it_runs(clinic: Clinic) -> None:
    """A freeze that has ended is history: the listing says nothing of it; one still running
    says until when new reviews wait for a moderator (the latest, when freezes overlap)."""
    now = timezone.now()
    ReviewFreeze.objects.create(clinic=clinic, started_at=now - timedelta(days=5), until=now - timedelta(days=2))
    assert listing(clinic)["frozen_until"] is None
    ReviewFreeze.objects.create(clinic=clinic, started_at=now, until=now + timedelta(days=2))
    ReviewFreeze.objects.create(clinic=clinic, started_at=now, until=now + timedelta(days=3))
    shown = datetime.fromisoformat(listing(clinic)["frozen_until"].replace("Z", "+00:00"))
    assert abs(shown - (now + timedelta(days=3))) < timedelta(seconds=1)
