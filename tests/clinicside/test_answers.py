"""The clinic's answers to reviews: one per review, by whoever speaks for the clinic, moderated by
the review policy; an answer never changes a review's text, order or visibility."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from caretime.core.reviews import ReviewState, Rule
from caretime.directory.models import Clinic
from caretime.reviews.models import Review, ReviewAnswer
from caretime.reviews.services import moderate, moderate_answer
from tests.factories import claim_clinic, make_person, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ANSWER = "Thank you for telling us. We now book one patient per therapist for each hour."


@pytest.fixture
def moderator(db: None) -> User:
    return User.objects.create_user("moderator", "moderator@example.org", is_staff=True)


def published_reviews(clinic: Clinic, moderator: User, count: int) -> list[Review]:
    reviews = []
    for number in range(count):
        review = Review.objects.create(
            account=make_person(f"writer{number}@example.org"), clinic=clinic, discipline="pt", stars=1 + number % 5,
            text=f"Review number {number}: the therapist had three patients at once.", visited_in=today().replace(day=1),
            connected=False, written_on=today(),
        )  # fmt: skip
        reviews.append(moderate(review, moderator=moderator, rule=Rule.MEETS_POLICY))
    return reviews


def review_list(clinic: Clinic) -> list[tuple[str, str]]:
    """The reviews on the clinic page, in order: (id, text)."""
    page = Client().get(f"/clinics/{clinic.pk}/").content.decode()
    found = re.findall(r'<article class="review" id="review-(\d+)">.*?<div class="review-text">(.*?)</div>', page, re.S)
    return [(number, text) for number, text in found]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("rule", list(Rule))
def test_an_answer_never_changes_a_reviews_text_order_or_visibility(
    chicago_clinics: dict[str, Clinic], moderator: User, rule: Rule
) -> None:
    clinic = chicago_clinics["near"]
    reviews = published_reviews(clinic, moderator, 4)
    owner = make_person("owner@example.org")
    claim_clinic(clinic, owner)
    before = review_list(clinic)
    assert len(before) == 4
    stored_before = list(Review.objects.order_by("pk").values_list("state", "text", "written_on"))
    client = signed_in(owner)
    for review in (reviews[0], reviews[2]):  # the newest and an older one
        assert client.post(f"/reviews/{review.pk}/answer/", {"text": ANSWER}).status_code == 302
        moderate_answer(ReviewAnswer.objects.get(review=review), moderator=moderator, rule=rule)
    assert review_list(clinic) == before
    assert list(Review.objects.order_by("pk").values_list("state", "text", "written_on")) == stored_before
    shown = Client().get(f"/clinics/{clinic.pk}/").content.decode().count("Answer from the clinic")
    assert shown == (2 if rule.leads_to == ReviewState.PUBLISHED else 0)


def test_one_answer_per_review_and_it_waits_for_a_moderator(
    chicago_clinics: dict[str, Clinic], moderator: User
) -> None:
    clinic = chicago_clinics["near"]
    (review,) = published_reviews(clinic, moderator, 1)
    owner = make_person("owner@example.org")
    claim_clinic(clinic, owner)
    client = signed_in(owner)
    assert "Answer this review for the clinic" in client.get(f"/clinics/{clinic.pk}/").content.decode()
    client.post(f"/reviews/{review.pk}/answer/", {"text": ANSWER})
    assert "Answer from the clinic" not in Client().get(f"/clinics/{clinic.pk}/").content.decode()
    client.post(f"/reviews/{review.pk}/answer/", {"text": ANSWER + " Call us any time."})
    assert ReviewAnswer.objects.count() == 1
    moderate_answer(ReviewAnswer.objects.get(), moderator=moderator, rule=Rule.MEETS_POLICY)
    page = Client().get(f"/clinics/{clinic.pk}/").content.decode()
    assert "Answer from the clinic" in page
    assert "Call us any time." in page


def test_only_the_claimant_answers(chicago_clinics: dict[str, Clinic], moderator: User) -> None:
    clinic = chicago_clinics["near"]
    (review,) = published_reviews(clinic, moderator, 1)
    claim_clinic(clinic, make_person("owner@example.org"))
    stranger = signed_in(make_person("stranger@example.org"))
    assert stranger.get(f"/reviews/{review.pk}/answer/").status_code == 403
    assert stranger.post(f"/reviews/{review.pk}/answer/", {"text": ANSWER}).status_code == 403
    assert Client().get(f"/reviews/{review.pk}/answer/").status_code == 302
    assert not ReviewAnswer.objects.exists()
    assert "Answer this review" not in stranger.get(f"/clinics/{clinic.pk}/").content.decode()


def test_a_short_answer_says_what_to_fix(chicago_clinics: dict[str, Clinic], moderator: User) -> None:
    clinic = chicago_clinics["near"]
    (review,) = published_reviews(clinic, moderator, 1)
    owner = make_person("owner@example.org")
    claim_clinic(clinic, owner)
    response = signed_in(owner).post(f"/reviews/{review.pk}/answer/", {"text": "Thanks"})
    assert response.status_code == 400
    assert "Write an answer of 20 to 3,000 characters." in response.content.decode()
