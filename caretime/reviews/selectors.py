"""Reads of reviews for pages and the API: what a clinic's readers see, and nothing else.

Published reviews are shown; not recommended ones behind a link; pending and removed ones
only as counts. Stars are summarised from published reviews by people not connected to the
clinic, and averaged only from 3 reviews on."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caretime.core.reviews import MAX_STARS, MIN_STARS, ReviewState, StarSummary, star_summary
from caretime.directory.clinic_rows import ClinicRead, Row, clinic_rows, read_together
from caretime.directory.models import Clinic
from caretime.reviews.models import Review, ReviewAnswer, ReviewFreeze

# What ``json.dumps`` leaves that could end a <script> element early or start a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ClinicReviews:
    published: list[Review]  # newest first, insiders included (shown as such)
    counts: dict[str, int]  # by state: published, not_recommended, removed, pending
    stars: StarSummary  # published reviews by people not connected to the clinic
    frozen_until: datetime | None

    @property
    def not_recommended(self) -> int:
        return self.counts.get(ReviewState.NOT_RECOMMENDED.value, 0)

    @property
    def removed(self) -> int:
        return self.counts.get(ReviewState.REMOVED.value, 0)

    @property
    def pending(self) -> int:
        return self.counts.get(ReviewState.PENDING.value, 0)


# Every clinic page reads a clinic's reviews, their answers and its freezes: with SQL compiled
# once (``caretime.directory.clinic_rows``), as building the ORM's queries cost more than
# reading a clinic's few rows, and in one round trip on PostgreSQL.
_REVIEW_FIELDS = [field.attname for field in Review._meta.concrete_fields]
_ANSWER_FIELDS = [field.attname for field in ReviewAnswer._meta.concrete_fields]


def _answered(row: Row) -> Review:
    """A review with its answer or none, as ``select_related("answer")`` gives them."""
    review = Review.from_db(connection.alias, _REVIEW_FIELDS, row[: len(_REVIEW_FIELDS)])
    answer_row = row[len(_REVIEW_FIELDS) :]
    answer = None
    if answer_row[0] is not None:
        answer = ReviewAnswer.from_db(connection.alias, _ANSWER_FIELDS, answer_row)
        ReviewAnswer.review.field.set_cached_value(answer, review)
    Review.answer.related.set_cached_value(review, answer)
    return review


_reviews = ClinicRead(  # newest first, each with its answer (a left join)
    lambda _: Review.objects.values_list(*_REVIEW_FIELDS, *(f"answer__{name}" for name in _ANSWER_FIELDS)), _answered
)
_freeze_ends = clinic_rows(lambda _: ReviewFreeze.objects.values_list("until"))  # the latest first


def clinic_reviews(clinic: Clinic, *, ended_too: bool = False) -> ClinicReviews:
    """``ended_too``: ``frozen_until`` is the end of the latest freeze even when it has passed
    (a page that keeps the reviews sees per request whether it still runs)."""
    # A clinic has dozens, not thousands.
    every, freeze_ends = read_together([_reviews, _freeze_ends], [clinic.pk], None)
    counts = Counter(review.state for review in every)
    published = [review for review in every if review.state == ReviewState.PUBLISHED]
    ends = [until for (until,) in freeze_ends]
    if not ended_too:
        now = timezone.now()
        ends = [until for until in ends if until > now]
    return ClinicReviews(
        published=published,
        counts=dict(counts),
        stars=star_summary(review.stars for review in published if review.counts),
        frozen_until=ends[0] if ends else None,
    )


def not_recommended_reviews(clinic: Clinic) -> list[Review]:
    return list(Review.objects.filter(clinic=clinic, state=ReviewState.NOT_RECOMMENDED.value))


# The schema.org medical specialty of each therapy; schema.org has none for occupational therapy.
SCHEMA_ORG_SPECIALTIES = {"pt": "Physiotherapy", "slp": "SpeechPathology"}


def json_ld(clinic: Clinic, reviews: ClinicReviews) -> str:
    """The clinic page's schema.org data for search engines and apps, in one node: the clinic
    (address, place, phone, specialties) and its reviews, from published reviews only
    (insiders left out); escaped to sit inside a <script type="application/ld+json"> element."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": reverse("clinic-detail", args=[clinic.pk]),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic.address_line1,
            "addressLocality": clinic.city.title(),
            "addressRegion": clinic.state,
            "postalCode": clinic.zip_code,
            "addressCountry": "US",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": clinic.latitude, "longitude": clinic.longitude},
    }
    if clinic.phone:
        data["telephone"] = clinic.formatted_phone
    specialties = [SCHEMA_ORG_SPECIALTIES[code] for code in clinic.disciplines if code in SCHEMA_ORG_SPECIALTIES]
    if specialties:
        data["medicalSpecialty"] = specialties
    counted = [review for review in reviews.published if review.counts]
    if reviews.stars.average is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(reviews.stars.average, 1),
            "reviewCount": reviews.stars.reviews,
            "bestRating": MAX_STARS,
            "worstRating": MIN_STARS,
        }
    if counted:
        data["review"] = [
            {
                "@type": "Review",
                "reviewRating": {"@type": "Rating", "ratingValue": r.stars, "bestRating": MAX_STARS},
                "reviewBody": r.text,
                "datePublished": f"{r.published_on or r.written_on:%Y-%m-%d}",
                "author": {"@type": "Person", "name": "A patient"},
            }
            for r in counted
        ]
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
