"""A clinic's reviews written in Python (caretime.reviews.shown) read exactly as the templates
wrote them, kept here as they were (``as_they_were``): for any reviews, answers, counts, stars
and freeze, for the clinic's own side or anyone else, with a CSRF token or its hole, in both
languages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.reviews import ReviewState, StarSummary
from caretime.reviews.forms import FlagForm
from caretime.reviews.models import Review, ReviewAnswer
from caretime.reviews.selectors import ClinicReviews
from caretime.reviews.shown import listed_reviews_html, reviews_html
from caretime.web.form_renderer import marker

AS_THEY_WERE = Engine(
    dirs=[str(Path(__file__).parent / "as_they_were")], app_dirs=True, libraries=get_installed_libraries()
)
MONTHS = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 1)).map(lambda d: d.replace(day=1))
# Text as people write it: line breaks, markup and quotes, all to be escaped.
TEXTS = st.sampled_from(["Good.", "Two\nlines\r\nand <b>bold</b> & \"quotes\" 'too'", "", "x" * 40])
RATING = st.none() | st.integers(min_value=1, max_value=5)


@st.composite
def reviews(draw: st.DrawFn, pk: int) -> Review:
    review = Review(
        pk=pk,
        stars=draw(st.integers(min_value=1, max_value=5)),
        time_rating=draw(RATING),
        attention_rating=draw(RATING),
        honesty_rating=draw(RATING),
        scheduling_rating=draw(RATING),
        billing_rating=draw(RATING),
        text=draw(TEXTS),
        visited_in=draw(MONTHS),
        connected=draw(st.booleans()),
        edited_on=draw(st.none() | MONTHS),
        is_demo=draw(st.booleans()),
        state=ReviewState.PUBLISHED.value,
    )
    answer = draw(
        st.none()
        | st.builds(
            ReviewAnswer,
            pk=st.integers(min_value=1, max_value=99),
            text=TEXTS,
            state=st.sampled_from([ReviewState.PUBLISHED.value, ReviewState.PENDING.value]),
            published_on=st.none() | MONTHS,
        )
    )
    Review.answer.related.set_cached_value(review, answer)  # as read with the review
    return review


@st.composite
def clinic_reviews(draw: st.DrawFn) -> ClinicReviews:
    published = [draw(reviews(pk)) for pk in range(1, draw(st.integers(min_value=0, max_value=3)) + 1)]
    counted = draw(st.integers(min_value=0, max_value=12))
    return ClinicReviews(
        published=published,
        counts={
            ReviewState.NOT_RECOMMENDED.value: draw(st.integers(min_value=0, max_value=3)),
            ReviewState.REMOVED.value: draw(st.integers(min_value=0, max_value=3)),
        },
        stars=StarSummary(
            counted, draw(st.none() | st.floats(min_value=1, max_value=5)) if counted >= 3 else None, (0,) * 5
        ),
        frozen_until=draw(st.none() | st.datetimes(timezones=st.just(UTC))),
    )


def as_it_was(name: str, language: str, **values: object) -> str:
    with translation.override(language):
        return AS_THEY_WERE.get_template(f"reviews/{name}.html").render(Context(values))


@settings(max_examples=200, deadline=None)
@given(
    shown=clinic_reviews(),
    disciplines=st.sampled_from([["pt"], ["pt", "ot", "slp"], []]),
    yours=st.booleans(),
    csrf=st.sampled_from(["a-token-of-the-session", marker("csrf_token"), "NOTPROVIDED", None]),
    language=st.sampled_from(["en", "es"]),
)
def test_the_reviews_read_as_the_templates_wrote_them(
    shown: ClinicReviews, disciplines: list[str], yours: bool, csrf: str | None, language: str
) -> None:
    """Counts, freeze, stars, every kind of review and answer, the form to flag each: word for
    word and space for space as before, text and values escaped the same."""
    clinic = SimpleNamespace(pk=7, disciplines=disciplines)
    with translation.override(language):
        written = reviews_html(shown, clinic.pk, disciplines, yours=yours, csrf_token=csrf)
    expected = as_it_was(
        "_reviews",
        language,
        reviews=shown,
        clinic=clinic,
        side={"yours": yours},
        flag_form=FlagForm(),
        csrf_token=csrf,
    )
    assert written == expected


@settings(max_examples=50, deadline=None)
@given(shown=clinic_reviews(), language=st.sampled_from(["en", "es"]))
def test_reviews_listed_alone_read_as_the_template_wrote_them(shown: ClinicReviews, language: str) -> None:
    """The reviews we do not recommend, each with its form to flag it."""
    with translation.override(language):
        written = listed_reviews_html(shown.published, csrf_token="a-token")
        expected = "".join(
            AS_THEY_WERE.get_template("reviews/_review.html").render(
                Context({"review": review, "flag_form": FlagForm(), "csrf_token": "a-token"})
            )
            for review in shown.published
        )
    assert written == expected


def test_a_freeze_ends_at_the_hour_it_says_in_utc() -> None:
    """The time of a freeze's end, as the notice on the page says it."""
    shown = ClinicReviews(
        published=[],
        counts={},
        stars=StarSummary(0, None, (0,) * 5),
        frozen_until=datetime(2026, 5, 4, 13, 7, tzinfo=UTC),
    )
    assert "Until 4 May 2026, 13:07 (UTC)" in reviews_html(shown, 1, [], yours=False, csrf_token=None)
