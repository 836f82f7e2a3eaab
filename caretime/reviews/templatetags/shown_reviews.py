"""A clinic's reviews as pages show them, written in Python (``caretime.reviews.shown``):
``{% reviews_section reviews clinic side.yours %}`` on the clinic page, ``{% listed_reviews
reviews %}`` where reviews are listed alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from caretime.directory.models import Clinic
from caretime.reviews import shown
from caretime.reviews.models import Review
from caretime.reviews.selectors import ClinicReviews

register = template.Library()


@register.simple_tag(takes_context=True)
def reviews_section(context: Any, reviews: ClinicReviews, clinic: Clinic, yours: object = False) -> SafeString:
    return shown.reviews_html(
        reviews, clinic.pk, clinic.disciplines, yours=bool(yours), csrf_token=context.get("csrf_token")
    )


@register.simple_tag(takes_context=True)
def listed_reviews(context: Any, reviews: Sequence[Review]) -> SafeString:
    return shown.listed_reviews_html(reviews, csrf_token=context.get("csrf_token"))
