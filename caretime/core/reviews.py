"""Reviews of a clinic: what a review holds, and the moderation rules, the same for every review.

A review is about the clinic and how it books patients, never about a clinician: names are
screened out before it is stored (``caretime.core.redaction``). Its stars and text never feed
the verdict; the facts of the visits a review may carry are filed as a visit report instead.

The rules follow the US FTC rule on consumer reviews (16 CFR 465): no fake or bought reviews,
no undisclosed insider reviews, and no suppression for being negative. So nothing here reads a
review's rating or tone: every function that decides a review's state takes only what it was
given below, and the rating is not among it. Removal happens only for the reasons listed on
the public policy page (``Rule``), and every decision is logged with who, when and which rule.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.core.text import gettext_noop

MIN_STARS, MAX_STARS = 1, 5
MIN_TEXT_CHARS, MAX_TEXT_CHARS = 20, 3_000
# Reviews, like reports, need several people before a number is shown.
MIN_REVIEWS_FOR_AVERAGE = 3
# More reviews of one clinic than this within a day is a burst: people write about a clinic
# a few times a month, a campaign writes many at once. The clinic's reviews then freeze for
# ``FREEZE_HOURS``: new ones are held for a moderator, and readers see why.
BURST_REVIEWS_PER_DAY = 5
FREEZE_HOURS = 72
# Two reviews whose words agree this much (rapidfuzz's token-sort ratio, 0-100: the words in
# alphabetical order, compared as text) are near duplicates: the same text pasted under two
# accounts, or lightly edited. A short review that merely shares words with a long one is not.
NEAR_DUPLICATE_SCORE = 90
# Near duplicates are looked for among the reviews of the last half year.
NEAR_DUPLICATE_DAYS = 183


class ReviewState(enum.StrEnum):
    PENDING = "pending"  # waits for a moderator
    PUBLISHED = "published"
    NOT_RECOMMENDED = "not_recommended"  # shown behind a link, not counted
    REMOVED = "removed"  # for a reason on the policy page only

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    ReviewState.PENDING: gettext_noop("Waiting for a moderator"),
    ReviewState.PUBLISHED: gettext_noop("Published"),
    ReviewState.NOT_RECOMMENDED: gettext_noop("Not recommended"),
    ReviewState.REMOVED: gettext_noop("Removed"),
}


class HoldReason(enum.StrEnum):
    """Why a new review waits with a flag for the moderator (every review waits for one)."""

    NONE = ""
    SCREENING_FAILED = "screening_failed"  # names could not be checked: never published unscreened
    NEAR_DUPLICATE = "near_duplicate"  # nearly the same words as another review
    BURST = "burst"  # arrived while the clinic's reviews were frozen after a burst

    @property
    def label(self) -> str:
        return HOLD_LABELS[self]


HOLD_LABELS = {
    HoldReason.NONE: gettext_noop("Nothing unusual"),
    HoldReason.SCREENING_FAILED: gettext_noop("The check for names and contact details failed; screen it again"),
    HoldReason.NEAR_DUPLICATE: gettext_noop("Nearly the same text as another review"),
    HoldReason.BURST: gettext_noop("Arrived while the clinic's reviews were frozen after a burst"),
}


class Rule(enum.StrEnum):
    """The reasons a moderator may give, all on the public policy page. None reads the rating."""

    MEETS_POLICY = "meets_policy"  # publish
    DUPLICATE = "duplicate"  # not recommended: a copy or near copy of another review
    COORDINATED = "coordinated"  # not recommended: part of a burst from one source
    NOT_FIRST_HAND = "not_first_hand"  # not recommended: not about the writer's own visits
    PERSONAL_INFORMATION = "personal_information"  # removed
    THREATS = "threats"  # removed
    SPAM = "spam"  # removed
    OFF_TOPIC = "off_topic"  # removed
    UNDISCLOSED_CONFLICT = "undisclosed_conflict"  # removed: an insider who said they were not

    @property
    def label(self) -> str:
        return RULE_LABELS[self]

    @property
    def leads_to(self) -> ReviewState:
        return RULE_STATES[self]


RULE_LABELS = {
    Rule.MEETS_POLICY: gettext_noop("Meets the review policy"),
    Rule.DUPLICATE: gettext_noop("A copy or near copy of another review"),
    Rule.COORDINATED: gettext_noop("Part of a burst of reviews from one source"),
    Rule.NOT_FIRST_HAND: gettext_noop("Not about the writer's own visits"),
    Rule.PERSONAL_INFORMATION: gettext_noop("Personal information about someone"),
    Rule.THREATS: gettext_noop("Threats or harassment"),
    Rule.SPAM: gettext_noop("Spam or advertising"),
    Rule.OFF_TOPIC: gettext_noop("Not about the clinic or its care"),
    Rule.UNDISCLOSED_CONFLICT: gettext_noop("Written by someone connected to the clinic who did not say so"),
}
RULE_STATES = {
    Rule.MEETS_POLICY: ReviewState.PUBLISHED,
    Rule.DUPLICATE: ReviewState.NOT_RECOMMENDED,
    Rule.COORDINATED: ReviewState.NOT_RECOMMENDED,
    Rule.NOT_FIRST_HAND: ReviewState.NOT_RECOMMENDED,
    Rule.PERSONAL_INFORMATION: ReviewState.REMOVED,
    Rule.THREATS: ReviewState.REMOVED,
    Rule.SPAM: ReviewState.REMOVED,
    Rule.OFF_TOPIC: ReviewState.REMOVED,
    Rule.UNDISCLOSED_CONFLICT: ReviewState.REMOVED,
}
# What anyone may flag a review for: the reasons a review can be removed or not recommended.
FLAG_RULES = tuple(rule for rule in Rule if rule != Rule.MEETS_POLICY)


@dataclass(frozen=True, slots=True)
class Arrival:
    """What is known about a new (or edited) review when it arrives; note: no rating."""

    screened: bool  # the check for names and contact details ran and succeeded
    near_duplicate: bool
    clinic_frozen: bool


def hold_reason(arrival: Arrival) -> HoldReason:
    """Why the moderator should look twice; every review starts ``PENDING`` whatever this says."""
    if not arrival.screened:
        return HoldReason.SCREENING_FAILED
    if arrival.near_duplicate:
        return HoldReason.NEAR_DUPLICATE
    if arrival.clinic_frozen:
        return HoldReason.BURST
    return HoldReason.NONE


def is_burst(reviews_in_the_last_day: int) -> bool:
    """Whether the reviews of one clinic in the last 24 hours, this one included, are a burst."""
    return reviews_in_the_last_day > BURST_REVIEWS_PER_DAY


_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    return _SPACE.sub(" ", text.casefold()).strip()


def is_near_duplicate(text: str, others: Iterable[str]) -> bool:
    """Whether ``text`` has nearly the same words as any of ``others`` (both normalised)."""
    return (
        process.extractOne(
            normalised(text),
            [normalised(o) for o in others],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NEAR_DUPLICATE_SCORE,
        )
        is not None
    )


def text_problem(text: str) -> str | None:
    length = len(text.strip())
    if length < MIN_TEXT_CHARS:
        return gettext_noop(
            "Write at least 20 characters about the clinic: what happened, and what you would tell a friend."
        )
    if length > MAX_TEXT_CHARS:
        return gettext_noop("Keep the review to 3,000 characters or fewer.")
    return None


@dataclass(frozen=True, slots=True)
class StarSummary:
    reviews: int
    average: float | None  # None below MIN_REVIEWS_FOR_AVERAGE
    counts: tuple[int, ...]  # reviews with 1, 2, 3, 4 and 5 stars


def star_summary(stars: Iterable[int]) -> StarSummary:
    """The published, counted reviews' stars: how many, and their average from 3 on."""
    values = list(stars)
    counts = tuple(values.count(n) for n in range(MIN_STARS, MAX_STARS + 1))
    average = sum(values) / len(values) if len(values) >= MIN_REVIEWS_FOR_AVERAGE else None
    return StarSummary(reviews=len(values), average=average, counts=counts)


def review_visit_facts(
    *, therapist_minutes: int, other_patients: int, every_visit: bool | None, connected: bool
) -> VisitFacts:
    """The facts a review may carry, as the visit report they are filed as: a typical later
    follow-up visit with these minutes alone with the therapist and these other patients, one-on-one
    the whole time when the writer says it was so on every visit."""
    if every_visit is None:
        whole = WholeTime.NOT_SURE
    else:
        whole = WholeTime.YES if every_visit and therapist_minutes > 0 and other_patients == 0 else WholeTime.NO
    return VisitFacts(
        visit_kind=VisitKind.LATER_FOLLOW_UP,
        scheduled_minutes=None,
        therapist_minutes=therapist_minutes,
        aide_minutes=0,
        other_patients=other_patients,
        whole_time=whole,
        connected=connected,
    )
