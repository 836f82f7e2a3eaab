"""Reviews of clinics as JSON: reading a clinic's published reviews, writing one, and
previewing what screening makes of a text.

A review is of the clinic, never of a clinician: names and contact details are screened out
before anything is stored (``caretime.reviews.services.screen_for``). Reading is public and
never says whose a review is; writing needs a signed-in person with a verified e-mail
address, as a visit report does. Every new review waits for a moderator.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from caretime.accounts.auth import TokenOrSessionAuth, has_verified_email
from caretime.api.errors import (
    CLINIC_NOT_FOUND,
    CSRF_FAILED,
    INVALID_INPUT,
    INVALID_MONTH,
    INVALID_TOKEN,
    NOT_OFFERED,
    RATE_LIMITED,
    REPORT_REFUSED,
    UNAUTHENTICATED,
    ApiError,
    Refusal,
    reads,
    writes,
)
from caretime.api.reports import DisciplineCode, checked_month, ensure_offered, get_clinic
from caretime.api.types import StrictBody, Text
from caretime.core.calls import MAX_MINUTES
from caretime.core.care_time import MAX_OTHER_PATIENTS, VisitFacts
from caretime.core.reviews import (
    MAX_STARS,
    MAX_TEXT_CHARS,
    MIN_REVIEWS_FOR_AVERAGE,
    MIN_STARS,
    ReviewState,
    review_visit_facts,
    text_problem,
)
from caretime.reviews.models import SUB_RATINGS, Review
from caretime.reviews.selectors import clinic_reviews
from caretime.reviews.services import Draft, ReviewRefused, screen_for
from caretime.shared.limits import LimitReached, RateLimited
from caretime.verdicts.actions import submit_review

router = Router(tags=["reviews"])
signed_in = TokenOrSessionAuth()

StateCode = Literal["pending", "published", "not_recommended", "removed"]
_SUB_RATING = "{}, 1-5; null or left out: not saying."

DUPLICATE_REVIEW = Refusal(
    409,
    "duplicate_review",
    "The person has already reviewed this clinic.",
    "You have already reviewed this clinic; edit your review instead.",
)
INCOMPLETE_FACTS = Refusal(
    400,
    "invalid_input",
    "Only some of the visits' facts are given (before: `incomplete_facts`).",
    "To add the facts of your visits, give both therapist_minutes and other_patients (or neither).",
    {"fields": ["other_patients"], "deprecated_code": "incomplete_facts"},
    name="incomplete_facts",
)
EMAIL_NOT_VERIFIED_FOR_REVIEW = Refusal(
    403,
    "email_not_verified",
    "The person has no verified e-mail address.",
    gettext("Verify your e-mail address before you write a review."),
)


class ReviewIn(StrictBody):
    discipline: DisciplineCode
    stars: int = Field(..., ge=MIN_STARS, le=MAX_STARS, description="Overall stars for the clinic, 1-5.")
    text: Text = Field(
        ...,
        max_length=MAX_TEXT_CHARS,
        description="About the clinic, 20 to 3,000 characters. Names of people, phone numbers, e-mail addresses "
        "and record numbers are replaced before it is stored.",
    )
    visited_in: Text = Field(
        ..., max_length=10, description="Month of the last visit, YYYY-MM. Only the month is kept."
    )
    connected: bool = Field(
        description="True when the writer is staff, family or owner of the clinic: shown as such, never counted."
    )
    time_rating: int | None = Field(
        None, ge=MIN_STARS, le=MAX_STARS, description=_SUB_RATING.format("Time with the therapist")
    )
    attention_rating: int | None = Field(
        None, ge=MIN_STARS, le=MAX_STARS, description=_SUB_RATING.format("One-on-one attention")
    )
    honesty_rating: int | None = Field(
        None, ge=MIN_STARS, le=MAX_STARS, description=_SUB_RATING.format("Honesty of what was promised at booking")
    )
    scheduling_rating: int | None = Field(
        None, ge=MIN_STARS, le=MAX_STARS, description=_SUB_RATING.format("Scheduling")
    )
    billing_rating: int | None = Field(None, ge=MIN_STARS, le=MAX_STARS, description=_SUB_RATING.format("Billing"))
    therapist_minutes: int | None = Field(
        None,
        ge=0,
        le=MAX_MINUTES,
        description="Minutes alone with a licensed therapist on a typical visit; with other_patients, or neither.",
    )
    other_patients: int | None = Field(
        None,
        ge=0,
        le=MAX_OTHER_PATIENTS,
        description="Other patients the therapist treated at the same time (3: 3 or more); with therapist_minutes.",
    )
    every_visit: bool | None = Field(
        None, description="One-on-one on every visit; null: not sure. Only together with the two facts above."
    )

    def facts(self) -> VisitFacts | None:
        """The visits' facts, filed as the writer's visit report; 400 when only some are given."""
        minutes, others = self.therapist_minutes, self.other_patients
        if minutes is None and others is None:
            if self.every_visit is not None:
                raise ApiError(
                    400,
                    "invalid_input",
                    gettext(
                        "every_visit goes with therapist_minutes and other_patients: give all of them, or leave "
                        "every_visit out."
                    ),
                    fields=["every_visit", "therapist_minutes", "other_patients"],
                    replaces="incomplete_facts",
                )
            return None
        if minutes is None or others is None:
            missing = "therapist_minutes" if minutes is None else "other_patients"
            raise ApiError(
                400,
                "invalid_input",
                gettext(
                    "To add the facts of your visits, give both therapist_minutes and other_patients (or neither)."
                ),
                fields=[missing],
                replaces="incomplete_facts",
            )
        return review_visit_facts(
            therapist_minutes=minutes, other_patients=others, every_visit=self.every_visit, connected=self.connected
        )

    def sub_ratings(self) -> tuple[tuple[str, int | None], ...]:
        return tuple((name, getattr(self, name)) for name in SUB_RATINGS)


class ReviewOut(Schema):
    id: int
    discipline: DisciplineCode
    stars: int
    sub_ratings: dict[str, int] = Field(
        description="The sub-ratings the writer gave, 1-5, by name: " + ", ".join(SUB_RATINGS) + "."
    )
    text: str = Field(description="As screened: names and contact details replaced.")
    visited_in: str = Field(description="Month of the last visit, YYYY-MM.")
    connected: bool = Field(description="Written by staff, family or owner of the clinic: shown, never counted.")
    published_on: date | None
    edited: bool = Field(description="True when the writer changed the review after writing it.")
    is_demo: bool


class StarsOut(Schema):
    reviews: int = Field(description="Published reviews by people not connected to the clinic.")
    average: float | None = Field(description=f"Their average stars; null below {MIN_REVIEWS_FOR_AVERAGE} reviews.")
    counts: list[int] = Field(description="Of those, how many gave 1, 2, 3, 4 and 5 stars.")


class ClinicReviewsOut(Schema):
    clinic_id: int
    reviews: list[ReviewOut] = Field(description="Published reviews, newest first.")
    counts: dict[str, int] = Field(
        description="The clinic's reviews in every state: published, not_recommended, removed and pending."
    )
    stars: StarsOut
    frozen_until: datetime | None = Field(
        description="While set, the clinic's new reviews wait longer: many arrived at once."
    )
    policy_url: str


class ReviewCreated(Schema):
    id: int
    clinic_id: int
    discipline: DisciplineCode
    stars: int
    sub_ratings: dict[str, int]
    state: StateCode = Field(description="Every new review is pending: it waits for a moderator.")
    hold_reason: str = Field(
        description="Why the moderator looks twice: screening_failed, near_duplicate or burst; empty when nothing "
        "is unusual."
    )
    text: str = Field(description="The text as it will be published; empty when screened is false.")
    screened: bool = Field(
        description="False when the check for names failed: the review then stays unpublished until it is "
        "screened again."
    )
    visited_in: str
    connected: bool
    facts_filed: bool = Field(description="True when the visits' facts were filed as your visit report.")
    url: str = Field(description="The clinic's page, where the review shows once a moderator publishes it.")


class PreviewIn(StrictBody):
    clinic_id: int
    text: Text = Field(..., max_length=MAX_TEXT_CHARS)


class FoundOut(Schema):
    kind: str = Field(
        description="What was replaced: roster_name, titled_name, other_name, phone, email or record_number."
    )
    replacement: str


class PreviewOut(Schema):
    text: str = Field(description="The text as it would be published; empty when screened is false.")
    changed: bool
    found: list[FoundOut] = Field(description="What was replaced, and with what; never the words taken out.")
    screened: bool = Field(description="False when the check failed: a review with this text would wait unpublished.")


def _person(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):  # the operation's auth lets no one else through
        raise ApiError(401, "unauthenticated", gettext("Send your API token, or log in first."))
    if not has_verified_email(user):
        raise ApiError(403, "email_not_verified", gettext("Verify your e-mail address before you write a review."))
    return user


def _sub_ratings(review: Review) -> dict[str, int]:
    return {name: value for name in SUB_RATINGS if (value := getattr(review, name))}


def _review_out(review: Review) -> ReviewOut:
    return ReviewOut(
        id=review.pk,
        discipline=review.discipline,  # type: ignore[arg-type]
        stars=review.stars,
        sub_ratings=_sub_ratings(review),
        text=review.text,
        visited_in=f"{review.visited_in:%Y-%m}",
        connected=review.connected,
        published_on=review.published_on,
        edited=review.edited_on is not None,
        is_demo=review.is_demo,
    )


@router.get(
    "/clinics/{clinic_id}/reviews",
    **reads({200: ClinicReviewsOut}, INVALID_INPUT, CLINIC_NOT_FOUND),
    summary="A clinic's published reviews",
)
def list_reviews(request: HttpRequest, clinic_id: int) -> ClinicReviewsOut:
    """Published reviews, newest first, with how many reviews are in every other state. Stars
    are summarised from published reviews by people not connected to the clinic, and averaged
    only from 3 such reviews on. Nothing here says who wrote a review."""
    clinic = get_clinic(clinic_id)
    found = clinic_reviews(clinic)
    return ClinicReviewsOut(
        clinic_id=clinic.pk,
        reviews=[_review_out(review) for review in found.published],
        counts={state.value: found.counts.get(state.value, 0) for state in ReviewState},
        stars=StarsOut(
            reviews=found.stars.reviews,
            average=None if found.stars.average is None else round(found.stars.average, 2),
            counts=list(found.stars.counts),
        ),
        frozen_until=found.frozen_until,
        policy_url=reverse("review-policy"),
    )


@router.post(
    "/clinics/{clinic_id}/reviews",
    **writes(
        {201: ReviewCreated},
        INVALID_INPUT,
        NOT_OFFERED,
        INVALID_MONTH,
        INCOMPLETE_FACTS,
        REPORT_REFUSED,
        UNAUTHENTICATED,
        INVALID_TOKEN,
        CSRF_FAILED,
        EMAIL_NOT_VERIFIED_FOR_REVIEW,
        CLINIC_NOT_FOUND,
        DUPLICATE_REVIEW,
        RATE_LIMITED,
    ),
    auth=signed_in,
    summary="Write a review of a clinic",
)
def create_review(request: HttpRequest, clinic_id: int, review: ReviewIn) -> Status[ReviewCreated]:
    """Needs a personal API token (Authorization: Bearer) or the browser session with its CSRF
    token, and a verified e-mail address. One review per person and clinic (a second is a
    409); at most 3 a day per account, and the limits of reports apply (429 with Retry-After).
    The review waits for a moderator, who never judges it by its rating. Facts of the visits,
    when given, are filed as the writer's visit report."""
    person = _person(request)
    clinic = get_clinic(clinic_id)
    ensure_offered(clinic, review.discipline)
    visited_in = checked_month(review.visited_in, "visited_in", today=timezone.now().date(), of="visit")
    draft = Draft(
        discipline=review.discipline,
        stars=review.stars,
        text=review.text,
        visited_in=visited_in,
        connected=review.connected,
        sub_ratings=review.sub_ratings(),
        facts=review.facts(),
    )
    try:
        saved = submit_review(request=request, account=person, clinic=clinic, draft=draft)
    except ReviewRefused as refused:
        if refused.status == 409:
            message = refused.problems.get("") or str(refused)
            raise ApiError(409, "duplicate_review", message) from refused
        fields = [name for name in refused.problems if name]
        raise ApiError(
            400, "invalid_input", str(refused), fields=fields or None, replaces="report_refused"
        ) from refused
    except LimitReached as limit:
        saved = limit.refused
    if isinstance(saved, RateLimited):
        raise ApiError(429, "rate_limited", saved.message, headers={"Retry-After": str(saved.retry_after_seconds)})
    return Status(
        201,
        ReviewCreated(
            id=saved.pk,
            clinic_id=clinic.pk,
            discipline=saved.discipline,  # type: ignore[arg-type]
            stars=saved.stars,
            sub_ratings=_sub_ratings(saved),
            state=saved.state,  # type: ignore[arg-type]
            hold_reason=saved.hold_reason,
            text=saved.text,
            screened=not saved.unscreened_text,
            visited_in=f"{saved.visited_in:%Y-%m}",
            connected=saved.connected,
            facts_filed=saved.visit_report_id is not None,
            url=reverse("clinic-detail", args=[clinic.pk]),
        ),
    )


TEXT_REFUSED = Refusal(
    400,
    "invalid_input",
    "The text is shorter than 20 or longer than 3,000 characters: a review with it would be refused alike.",
    "Write at least 20 characters about the clinic: what happened, and what you would tell a friend.",
    {"fields": ["text"]},
    name="text",
)


@router.post(
    "/reviews/preview",
    **writes({200: PreviewOut}, INVALID_INPUT, TEXT_REFUSED, CLINIC_NOT_FOUND),
    summary="See what screening makes of a review's text",
)
def preview_review(request: HttpRequest, body: PreviewIn) -> PreviewOut:
    """No account needed, and nothing is stored. Names of the clinic's clinicians and other
    people, phone numbers, e-mail addresses and record numbers are replaced, as they would be
    in a review sent with this text. The answer says what kind of thing was replaced and with
    what, never the words that were taken out. A text a review would refuse is refused here
    too, with the same words."""
    clinic = get_clinic(body.clinic_id)
    problem = text_problem(body.text)
    if problem is not None:
        raise ApiError(400, "invalid_input", gettext(problem), fields=["text"])
    screened = screen_for(clinic, body.text)
    if screened is None:
        return PreviewOut(text="", changed=False, found=[], screened=False)
    return PreviewOut(
        text=screened.text,
        changed=screened.changed,
        found=[FoundOut(kind=found.kind.value, replacement=found.replacement) for found in screened.found],
        screened=True,
    )
