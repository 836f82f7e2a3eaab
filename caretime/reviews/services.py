"""Writing, editing, deleting, moderating and flagging reviews.

Every review arrives ``PENDING`` and waits for a moderator; the automatic checks only add a
reason for the moderator to look twice (``caretime.core.reviews.hold_reason``), and none of
them reads the rating. The text is screened before it is stored: if screening fails, the text
as written is kept aside and the review cannot be published until it is screened.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from caretime.accounts.audit import log_moderation
from caretime.core.care_time import VisitFacts
from caretime.core.evidence import month_problem
from caretime.core.redaction import RosterPerson, Screened, screen
from caretime.core.refusal import Refused
from caretime.core.reviews import (
    FREEZE_HOURS,
    MAX_STARS,
    MIN_STARS,
    MIN_TEXT_CHARS,
    NEAR_DUPLICATE_DAYS,
    Arrival,
    HoldReason,
    ReviewState,
    Rule,
    hold_reason,
    is_burst,
    is_near_duplicate,
    text_problem,
)
from caretime.directory.models import Clinic
from caretime.progress import ProgressCallback
from caretime.reviews.models import (
    SUB_RATINGS,
    Review,
    ReviewAnswer,
    ReviewArrival,
    ReviewDecision,
    ReviewFlag,
    ReviewFreeze,
)
from caretime.shared.limits import ACCOUNT_REVIEWS_PER_DAY, LimitReached, RateLimited, admit, take_report_slot

log = logging.getLogger(__name__)

# Sent when screening again rewrote stored texts (with ``clinic_ids``, None for every clinic): the
# rows change by an update that sends no signal of its own, and what pages keep of a clinic's
# reviews must not outlive them (caretime.verdicts.clinic_page).
reviews_rescreened = Signal()


class ReviewRefused(Refused):
    """A review that cannot be taken (409: the person already reviewed the clinic)."""


@dataclass(frozen=True)
class Draft:
    """A review as written, before screening."""

    discipline: str
    stars: int
    text: str
    visited_in: date  # the first of the month
    connected: bool
    sub_ratings: tuple[tuple[str, int | None], ...] = ()  # (field name, 1-5 or None)
    # The visits' facts, filed as a visit report of the same person by the action that stores
    # the review (caretime.verdicts.actions), since a visit report is another source's.
    facts: VisitFacts | None = None


def roster(clinic: Clinic) -> list[RosterPerson]:
    return [
        RosterPerson(first_name=first, last_name=last, credential=credential)
        for first, last, credential in clinic.clinicians.values_list("first_name", "last_name", "credential")
    ]


def screen_for(clinic: Clinic, text: str, people: Sequence[RosterPerson] | None = None) -> Screened | None:
    """The text with names and contact details replaced, or None when screening failed (the
    review is then held, never published unscreened). ``people``: the clinic's roster, when
    the caller has read it already."""
    try:
        people = roster(clinic) if people is None else people
        return screen(text, roster=people, clinic_names=[clinic.name, clinic.organization.display_name])
    except Exception:  # any failure of the screening must hold the review, never publish it
        log.exception("Screening a review of clinic %s failed", clinic.pk)
        return None


@dataclass
class Rescreened:
    """What screening stored reviews again did."""

    reviews: int = 0  # screened again
    changed: int = 0  # of them, whose text changed
    failed: int = 0  # whose screening failed: their text is left as it was

    def lines(self) -> list[str]:
        return [
            f"Reviews screened again: {self.reviews:,}",
            f"Changed: {self.changed:,}",
            f"Screening failed (text left as it was; run again): {self.failed:,}",
        ]


def rescreen_reviews(
    clinic_ids: Collection[int] | None = None, *, progress: ProgressCallback | None = None
) -> Rescreened:
    """Screen the stored text of the reviews of these clinics (of every clinic when None) again
    with each clinic's roster as it is now: a clinician added to the roster after a review was
    written is taken out of it too. Published reviews and those waiting for a moderator alike
    (a waiting one is published as it is stored). Screening a screened text with the same
    roster changes nothing, so this can run any time."""
    reviews = Review.objects.exclude(text="")
    if clinic_ids is not None:
        reviews = reviews.filter(clinic_id__in=clinic_ids)
    done = Rescreened()
    total = reviews.count()
    clinics = Clinic.objects.filter(pk__in=reviews.values("clinic_id")).select_related("organization").order_by("pk")
    for clinic in clinics.iterator(chunk_size=500):
        people = roster(clinic)
        for pk, text in reviews.filter(clinic=clinic).order_by("pk").values_list("pk", "text"):
            done.reviews += 1
            screened = screen_for(clinic, text, people)
            if screened is None:
                done.failed += 1
            elif screened.text != text:
                # Only if the text is still what was read: an author's edit in between wins.
                done.changed += Review.objects.filter(pk=pk, text=text).update(text=screened.text)
            if progress:
                progress("reviews screened again", done.reviews, total)
    if done.changed:
        reviews_rescreened.send(sender=Review, clinic_ids=clinic_ids)
    return done


def rescreen_changed_rosters(
    sender: object, *, clinic_ids: Collection[int], progress: ProgressCallback | None = None, **kwargs: object
) -> None:
    """Receiver of ``caretime.directory.rosters.rosters_changed``."""
    rescreen_reviews(clinic_ids, progress=progress)


def problems_of(draft: Draft, clinic: Clinic, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not MIN_STARS <= draft.stars <= MAX_STARS:
        problems["stars"] = _("Choose from 1 to 5 stars.")
    for name, value in draft.sub_ratings:
        if name not in SUB_RATINGS or (value is not None and not MIN_STARS <= value <= MAX_STARS):
            problems[name] = _("Choose from 1 to 5, or leave it empty.")
    text = text_problem(draft.text)
    if text:
        problems["text"] = _(text)
    month = month_problem(draft.visited_in, today, of="visit")
    if month:
        problems["visited_in"] = _(month)
    if not clinic.offers(draft.discipline):
        problems["discipline"] = _("Choose a therapy this clinic offers.")
    if draft.facts is not None and draft.facts.connected != draft.connected:
        problems["connected"] = _("Say once whether you are connected to the clinic.")
    return problems


def _account_limit(account: User, now: datetime) -> RateLimited | None:
    return admit(ACCOUNT_REVIEWS_PER_DAY, Review.objects.filter(account=account, written_on=now.date()).count(), now)


def _near_duplicate(text: str, *, other_than: Review | None, today: date) -> bool:
    """Whether the text nearly copies a review of the last half year, of any clinic and in any
    state: a removed spam review pasted again is a copy too."""
    recent = Review.objects.filter(written_on__gte=today - timedelta(days=NEAR_DUPLICATE_DAYS)).exclude(text="")
    if other_than is not None:
        recent = recent.exclude(pk=other_than.pk)
    if other_than is not None and other_than.account_id is not None:
        recent = recent.exclude(account_id=other_than.account_id)
    return is_near_duplicate(text, recent.values_list("text", flat=True))


def _frozen(clinic: Clinic, now: datetime) -> bool:
    return ReviewFreeze.objects.filter(clinic=clinic, until__gt=now).exists()


def _arrive(clinic: Clinic, now: datetime) -> bool:
    """Log the arrival of a new review; freeze the clinic's reviews if it makes a burst.
    Returns whether the clinic's reviews are frozen now."""
    day_ago = now - timedelta(days=1)
    ReviewArrival.objects.filter(arrived_at__lte=day_ago).delete()
    ReviewArrival.objects.create(clinic=clinic, arrived_at=now.replace(second=0, microsecond=0))
    if is_burst(ReviewArrival.objects.filter(clinic=clinic, arrived_at__gt=day_ago).count()) and not _frozen(
        clinic, now
    ):
        ReviewFreeze.objects.create(clinic=clinic, started_at=now, until=now + timedelta(hours=FREEZE_HOURS))
    return _frozen(clinic, now)


def _log(review: Review, *, to: ReviewState, now: datetime, moderator: User | None = None, rule: Rule | None = None,
         was: str = "") -> None:  # fmt: skip
    ReviewDecision.objects.create(
        review=review,
        review_number=review.pk,
        moderator=moderator,
        decided_at=now,
        from_state=was,
        to_state=to.value,
        rule=rule.value if rule else "",
        hold_reason=review.hold_reason,
    )


def _apply(review: Review, draft: Draft, screened: Screened | None) -> None:
    review.discipline = draft.discipline
    review.stars = draft.stars
    for name in SUB_RATINGS:
        setattr(review, name, None)
    for name, value in draft.sub_ratings:
        setattr(review, name, value)
    review.text = screened.text if screened else ""
    review.unscreened_text = "" if screened else draft.text
    review.visited_in = draft.visited_in
    review.connected = draft.connected


def submit_review(*, request: HttpRequest, account: User, clinic: Clinic, draft: Draft) -> Review | RateLimited:
    """A new review: checked, limited, screened and stored ``PENDING`` with its hold reason.
    Raises ``ReviewRefused``; returns how long to wait when a limit refuses it."""
    now = timezone.now()
    problems = problems_of(draft, clinic, now.date())
    if Review.objects.filter(account=account, clinic=clinic).exists():
        problems[""] = _("You have already reviewed this clinic; edit your review instead.")
        raise ReviewRefused(problems, status=409)
    if problems:
        raise ReviewRefused(problems)
    refused = _account_limit(account, now) or take_report_slot(request=request, clinic_id=clinic.pk)
    if refused is not None:
        return refused
    screened = screen_for(clinic, draft.text)
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        # Counted again under the account's lock: two reviews sent together both pass a count
        # made before either is stored.
        User.objects.select_for_update().filter(pk=account.pk).first()
        full = _account_limit(account, now)
        if full is not None:
            raise LimitReached(full)
        frozen = _arrive(clinic, now)
        near = screened is not None and _near_duplicate(screened.text, other_than=None, today=now.date())
        review = Review(account=account, clinic=clinic, written_on=now.date())
        _apply(review, draft, screened)
        review.hold_reason = hold_reason(
            Arrival(screened=screened is not None, near_duplicate=near, clinic_frozen=frozen)
        )
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:  # the same person's other review, sent at the same moment
            raise ReviewRefused(
                {"": _("You have already reviewed this clinic; edit your review instead.")}, status=409
            ) from None
        _log(review, to=ReviewState.PENDING, now=now)
    return review


def edit_review(review: Review, draft: Draft) -> Review:
    """The author's new version: screened again, and back to ``PENDING`` for a moderator (an
    edit of a published review is a new text, judged by the same rules)."""
    now = timezone.now()
    problems = problems_of(draft, review.clinic, now.date())
    if problems:
        raise ReviewRefused(problems)
    screened = screen_for(review.clinic, draft.text)
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=review.clinic_id).first()
        was = review.state
        _apply(review, draft, screened)
        near = screened is not None and _near_duplicate(screened.text, other_than=review, today=now.date())
        review.hold_reason = hold_reason(
            Arrival(screened=screened is not None, near_duplicate=near, clinic_frozen=_frozen(review.clinic, now))
        )
        review.state = ReviewState.PENDING.value
        review.published_on = None
        review.edited_on = now.date()
        review.save()
        _log(review, to=ReviewState.PENDING, now=now, was=was)
    return review


def delete_review(review: Review) -> None:
    """The author deletes their review (the visit report its facts were filed as goes with it in
    ``caretime.verdicts.actions.delete_review``)."""
    review.delete()


class CannotPublish(ValueError):
    pass


def moderate(review: Review, *, moderator: User, rule: Rule) -> Review:
    """A moderator's decision under one of the policy's rules; logged, and the review's open
    flags are settled with it. A review whose text could not be screened is screened again
    first, and cannot be published while screening fails."""
    now = timezone.now()
    with transaction.atomic():
        if review.unscreened_text:
            screened = screen_for(review.clinic, review.unscreened_text)
            if screened is None:
                if rule.leads_to == ReviewState.PUBLISHED:
                    raise CannotPublish(
                        _("This review's text could not be screened for names; it cannot be published.")
                    )
            else:
                review.text, review.unscreened_text = screened.text, ""
                review.hold_reason = HoldReason.NONE.value
        was = review.state
        review.state = rule.leads_to.value
        review.published_on = now.date() if rule.leads_to == ReviewState.PUBLISHED else None
        review.save()
        _log(review, to=rule.leads_to, now=now, moderator=moderator, rule=rule, was=was)
        review.flags.filter(resolved_on__isnull=True).update(resolved_on=now.date())
    return review


def flag_review(*, request: HttpRequest, review: Review, rule: Rule) -> ReviewFlag | RateLimited:
    """Anyone's flag, under the same per-connection limits as reports; the review stays up."""
    refused = take_report_slot(request=request, clinic_id=review.clinic_id)
    if refused is not None:
        return refused
    return ReviewFlag.objects.create(review=review, rule=rule.value, flagged_on=timezone.now().date())


# --- the clinic's answers -------------------------------------------------------------------


def answer_review(*, review: Review, claim_id: int, text: str) -> ReviewAnswer:
    """The clinic's answer to a published review, by the person whose claim of the clinic the
    caller checked: screened like a review, and waiting for a moderator. A second answer
    replaces the first (one answer per review) and waits again. The review is not touched."""
    if text_problem(text):  # the same lengths as a review
        raise ReviewRefused(
            {
                "text": _("Write an answer of %(least)s to %(most)s characters.")
                % {"least": MIN_TEXT_CHARS, "most": "3,000"}
            }
        )
    screened = screen_for(review.clinic, text)
    if screened is None:
        raise ReviewRefused(
            {"": _("We could not check your text for names just now. Please try again in a few minutes.")}, status=503
        )
    now = timezone.now()
    answer, _created = ReviewAnswer.objects.update_or_create(
        review=review,
        defaults={
            "claim_id": claim_id,
            "text": screened.text,
            "state": ReviewState.PENDING.value,
            "rule": "",
            "written_on": now.date(),
            "published_on": None,
        },
    )
    return answer


def moderate_answer(answer: ReviewAnswer, *, moderator: User, rule: Rule) -> ReviewAnswer:
    """A moderator's decision on an answer, under the rules of the review policy; logged."""
    with transaction.atomic():
        was = answer.get_state_display()
        answer.state = rule.leads_to.value
        answer.rule = rule.value
        answer.published_on = timezone.now().date() if rule.leads_to == ReviewState.PUBLISHED else None
        answer.save(update_fields=["state", "rule", "published_on"])
        log_moderation(
            moderator_id=moderator.pk,
            model=ReviewAnswer,
            object_id=answer.pk,
            message=f"Moderated: {was} → {answer.get_state_display()}, by the rule “{answer.get_rule_display()}”.",
        )
    return answer
