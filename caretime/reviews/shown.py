"""A clinic's reviews as its page shows them, written in Python: the counts of every state, the
stars from 3 reviews on, and each published review with the clinic's answer and a form to flag
it.

The first page of a clinic a worker is asked for renders its reviews whole (later ones are
kept: ``{% kept %}``), and through the template language they cost more than anything on that
page but its evidence. Written here, they read exactly as the templates wrote them (the tests
compare them with those templates, kept as they were, in both languages), each sentence still
one message to translate. As in a template, text the site translates is written as it is and
every value (a review's text, a month) is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from caretime.reviews.forms import FlagForm
from caretime.reviews.models import Review, ReviewAnswer
from caretime.reviews.selectors import ClinicReviews
from caretime.reviews.templatetags.stars import stars
from caretime.shared.written import escaped, moment, month


def csrf_input(csrf: object) -> str:
    """The form's CSRF field as ``{% csrf_token %}`` writes it (nothing without a token)."""
    if not csrf or csrf == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf)


# The reasons to flag a review, as options, per language: the same on every review.
_flag_options: dict[str, str] = {}


def _options() -> str:
    language = translation.get_language()
    found = _flag_options.get(language)
    if found is None:
        choices = FlagForm.base_fields["rule"].choices  # type: ignore[attr-defined]
        found = _flag_options[language] = "".join(
            f'<option value="{escaped(value)}">{escaped(label)}</option>' for value, label in choices
        )
    return found


def reviews_html(
    reviews: ClinicReviews, clinic_id: int, disciplines: Iterable[str], *, yours: bool, csrf_token: object
) -> SafeString:
    """The clinic page's reviews section. ``yours``: the person asking speaks for the clinic
    (they may answer each review)."""
    published = len(reviews.published)
    counts = "{};\n    {};\n    {}.".format(
        ngettext("%(counter)s published review", "%(counter)s published reviews", published)
        % {"counter": escaped(published)},
        ngettext("%(counter)s not recommended", "%(counter)s not recommended", reviews.not_recommended)
        % {"counter": escaped(reviews.not_recommended)},
        ngettext(
            "%(counter)s removed under our review policy",
            "%(counter)s removed under our review policy",
            reviews.removed,
        )
        % {"counter": escaped(reviews.removed)},
    )
    frozen = ""
    if reviews.frozen_until:
        until = moment(reviews.frozen_until, "j F Y, H:i")
        frozen = '\n  <p class="notice" role="note">{}</p>\n  '.format(
            gettext(
                "Many reviews of this clinic arrived at once. Until %(until)s (UTC), new reviews wait for a "
                "moderator before they can appear."
            )
            % {"until": until}
        )
    stars_line = ""
    if reviews.stars.average is not None:
        stars_line = '\n  <p class="star-summary">{}</p>\n  '.format(
            ngettext(
                "%(average)s stars out of 5, from %(counter)s review by a patient",
                "%(average)s stars out of 5, from %(counter)s reviews by patients",
                reviews.stars.reviews,
            )
            % {"average": escaped(floatformat(reviews.stars.average, 1)), "counter": escaped(reviews.stars.reviews)}
        )
    elif reviews.published:
        stars_line = '\n  <p class="fine">{}</p>\n  '.format(
            gettext("An average of the stars is shown from 3 reviews on.")
        )
    fine = '<p class="fine">{} <a href="{}#reviews-of-the-clinic">{}</a></p>'.format(
        gettext(
            "Reviews are about the clinic, never about the clinicians who work there: names are taken out. The "
            "stars and words of a review never change the verdict above; the visit facts a review carries count "
            "there as a patient report."
        ),
        reverse("methodology"),
        gettext("How reviews and their stars are counted"),
    )
    shown = "".join(
        review_html(review, yours=yours, flaggable=True, csrf_token=csrf_token) for review in reviews.published
    )
    if not reviews.published:
        shown = "<p>{}</p>".format(gettext("No published reviews yet."))
    hidden = ""
    if reviews.not_recommended:
        hidden = '<p><a href="{}">{}</a></p>'.format(
            reverse("not-recommended-reviews", args=(clinic_id,)),
            ngettext(
                "Read the %(counter)s review we do not recommend",
                "Read the %(counter)s reviews we do not recommend",
                reviews.not_recommended,
            )
            % {"counter": escaped(reviews.not_recommended)},
        )
    write = "".join(
        '<a class="button" href="{}">{}</a> '.format(
            reverse("write-review", args=(clinic_id, code)),
            gettext("Review this clinic (%(therapy)s)") % {"therapy": escaped(code.upper())},
        )
        for code in disciplines
    )
    heading = gettext("Reviews of the clinic")
    policy = gettext("Our review policy")
    return mark_safe(  # translated text as it is, every value escaped
        f'\n<section class="reviews" aria-labelledby="reviews-heading">\n  <h2 id="reviews-heading">{heading}</h2>\n'
        f'  <p>{counts}\n    <a href="{reverse("review-policy")}">{policy}</a></p>\n  {frozen}\n  {stars_line}\n'
        f"  {fine}\n  {shown}\n  {hidden}\n"
        f'  <p class="actions">{write}</p>\n</section>\n'
    )


def review_html(review: Review, *, yours: bool, flaggable: bool, csrf_token: object) -> str:
    """One review, as plain text (escaped; line breaks kept, no links), with the clinic's
    answer; ``flaggable``: with the form that sends it to a moderator."""
    pk = escaped(review.pk)
    tags = ""
    if review.connected:
        tags += '<span class="tag">{}</span>'.format(gettext("Written by someone connected to the clinic: not counted"))
    head = "\n    ".join(
        [
            '<span class="stars" aria-label="{}">{}</span>'.format(
                ngettext("%(counter)s star out of 5", "%(counter)s stars out of 5", review.stars)
                % {"counter": escaped(review.stars)},
                escaped(stars(review.stars)),
            ),
            gettext("Last visit %(month)s") % {"month": month(review.visited_in)},
            tags,
            '<span class="tag demo">{}</span>'.format(gettext("Demo review")) if review.is_demo else "",
            '<span class="fine">{}</span>'.format(gettext("edited")) if review.edited_on else "",
        ]
    )
    ratings = ""
    if review.sub_ratings:
        ratings = '<ul class="sub-ratings">{}</ul>'.format(
            "".join(
                "<li>{}</li>".format(
                    gettext("%(label)s: %(value)s of 5") % {"label": escaped(label), "value": escaped(value)}
                )
                for label, value in review.sub_ratings
            )
        )
    flag = ""
    if flaggable:
        flag = (
            '\n  <details class="flag">\n    <summary>{}</summary>\n'
            '    <form method="post" action="{}">\n      {}\n'
            '      <label for="flag-{}">{}</label>\n'
            '      <select name="rule" id="flag-{}">{}</select>\n'
            '      <button type="submit">{}</button>\n    </form>\n  </details>\n  '
        ).format(
            gettext("Flag this review"),
            reverse("flag-review", args=(review.pk,)),
            csrf_input(csrf_token),
            pk,
            gettext("What is wrong with this review?"),
            pk,
            _options(),
            gettext("Send to a moderator"),
        )
    return (
        f'\n<article class="review" id="review-{pk}">\n  <p class="review-head">\n    {head}\n  </p>\n'
        f'  {ratings}\n  <div class="review-text">{linebreaksbr(review.text, autoescape=True)}</div>\n'
        f"  {_answer(review, yours)}\n  {flag}\n</article>\n"
    )


def _answer(review: Review, yours: bool) -> str:
    """The clinic's published answer under the review it answers, and for the clinic a link to
    answer or change it."""
    written = ""
    answer: ReviewAnswer | None = review.public_answer
    if answer:
        written = (
            '\n<div class="review-answer" id="answer-{}">\n'
            '  <p class="review-head"><strong>{}</strong> <span class="fine">{}</span></p>\n'
            '  <div class="review-text">{}</div>\n</div>\n'
        ).format(
            escaped(answer.pk),
            gettext("Answer from the clinic"),
            month(answer.published_on) if answer.published_on else "",
            linebreaksbr(answer.text, autoescape=True),
        )
    link = ""
    if yours:
        words = (
            gettext("Change the clinic's answer")
            if getattr(review, "answer", None)
            else gettext("Answer this review for the clinic")
        )
        link = '<p class="fine"><a href="{}">{}</a></p>'.format(reverse("answer-review", args=(review.pk,)), words)
    return f"{written}{link}\n"


def listed_reviews_html(reviews: Sequence[Review], *, csrf_token: object) -> SafeString:
    """Reviews one after another, each with the form to flag it (the reviews we do not
    recommend)."""
    return mark_safe(
        "".join(review_html(review, yours=False, flaggable=True, csrf_token=csrf_token) for review in reviews)
    )
