"""Reviews of clinics, their moderation log, flags, and the freezes that follow a burst.

A review keeps its author's account so that they can edit and delete it and write only one
per clinic; pages never show whose it is. The text stored for publication is the screened
text, names and contact details already replaced; the text as written is kept only while
screening could not run (``unscreened_text``), and the review is then never published."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from caretime.core.reviews import (
    HOLD_LABELS,
    MAX_STARS,
    MAX_TEXT_CHARS,
    MIN_STARS,
    RULE_LABELS,
    STATE_LABELS,
    HoldReason,
    ReviewState,
    Rule,
)
from caretime.directory.models import Clinic, DisciplineChoices

STARS = [MinValueValidator(MIN_STARS), MaxValueValidator(MAX_STARS)]

# Translated when shown (``get_rule_display`` and the like), in the language of the page.
STATE_CHOICES = [(s.value, _(STATE_LABELS[s])) for s in ReviewState]
HOLD_CHOICES = [(h.value, _(HOLD_LABELS[h])) for h in HoldReason]
RULE_CHOICES = [(r.value, _(RULE_LABELS[r])) for r in Rule]

# The sub-ratings, in the order of the form: each 1-5, or empty when the writer did not say.
# They rate the clinic's way of working, never a person.
SUB_RATINGS = {
    "time_rating": _("Time with the therapist"),
    "attention_rating": _("One-on-one attention"),
    "honesty_rating": _("Honesty of what was promised at booking"),
    "scheduling_rating": _("Scheduling"),
    "billing_rating": _("Billing"),
}


def _sub_rating(name: str) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(SUB_RATINGS[name], null=True, blank=True, validators=STARS)


class Review(models.Model):
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    # PROTECT: a clinic with reports is never deleted by accident; delete its reports first.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="reviews")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    stars = models.PositiveSmallIntegerField(validators=STARS)
    time_rating = _sub_rating("time_rating")
    attention_rating = _sub_rating("attention_rating")
    honesty_rating = _sub_rating("honesty_rating")
    scheduling_rating = _sub_rating("scheduling_rating")
    billing_rating = _sub_rating("billing_rating")
    text = models.TextField(max_length=MAX_TEXT_CHARS, help_text="As screened: names and contact details replaced.")
    unscreened_text = models.TextField(
        blank=True, help_text="Only while screening could not run; such a review is never published."
    )
    visited_in = models.DateField(help_text="Month of the last visit (always the first day).")
    connected = models.BooleanField(help_text="Staff, family or owner of the clinic: shown as such, never counted.")
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=ReviewState.PENDING.value)
    hold_reason = models.CharField(max_length=20, choices=HOLD_CHOICES, blank=True, default="")
    # Named, not imported: the reports source stands beside this one, not below it.
    visit_report = models.OneToOneField(
        "reports.VisitReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="review"
    )
    written_on = models.DateField()
    edited_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo region.")

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["clinic", "state"], name="review_clinic_state")]
        constraints = [
            models.UniqueConstraint(fields=["account", "clinic"], name="one_review_per_person_per_clinic"),
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | models.Q(is_demo=True), name="review_has_account"
            ),
            models.CheckConstraint(
                condition=models.Q(stars__gte=MIN_STARS) & models.Q(stars__lte=MAX_STARS), name="review_stars_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of clinic {self.clinic_id} ({self.discipline}, {self.get_state_display()})"

    @property
    def public_answer(self) -> ReviewAnswer | None:
        """The clinic's answer, once a moderator published it."""
        answer: ReviewAnswer | None = getattr(self, "answer", None)
        return answer if answer is not None and answer.state == ReviewState.PUBLISHED else None

    @property
    def counts(self) -> bool:
        """Whether its stars count in the clinic's summary: published, not from an insider."""
        return self.state == ReviewState.PUBLISHED and not self.connected

    @property
    def sub_ratings(self) -> list[tuple[str, int]]:
        """(label, rating) for each sub-rating the writer gave."""
        return [(str(label), getattr(self, name)) for name, label in SUB_RATINGS.items() if getattr(self, name)]


class ReviewDecision(models.Model):
    """One change of a review's state: who (a moderator, or nobody for the automatic holds),
    when, from what to what, and under which rule. Kept when the review is deleted."""

    review = models.ForeignKey(Review, null=True, on_delete=models.SET_NULL, related_name="decisions")
    review_number = models.PositiveBigIntegerField(help_text="The review's id, kept after it is deleted.")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    from_state = models.CharField(max_length=16, choices=STATE_CHOICES, blank=True)
    to_state = models.CharField(max_length=16, choices=STATE_CHOICES)
    rule = models.CharField(max_length=24, choices=RULE_CHOICES, blank=True)
    hold_reason = models.CharField(max_length=20, choices=HOLD_CHOICES, blank=True, default="")

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        who = self.moderator or "caretime"
        return f"Review {self.review_number}: {self.from_state or 'new'} → {self.to_state} by {who}"


class ReviewFlag(models.Model):
    """Someone's report that a review breaks the policy. The review stays up while it waits.
    Nothing about who flagged is kept."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(max_length=24, choices=RULE_CHOICES)
    flagged_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["flagged_on", "id"]

    def __str__(self) -> str:
        return f"Flag on review {self.review_id}: {self.get_rule_display()}"


class ReviewFreeze(models.Model):
    """A clinic's reviews frozen after a burst: new ones wait for a moderator until ``until``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="review_freezes")
    started_at = models.DateTimeField()
    until = models.DateTimeField()

    class Meta:
        ordering = ["-until"]
        indexes = [models.Index(fields=["clinic", "until"], name="reviewfreeze_clinic_until")]

    def __str__(self) -> str:
        return f"Reviews of clinic {self.clinic_id} frozen until {self.until:%Y-%m-%d %H:%M}"


class ReviewArrival(models.Model):
    """When a review of a clinic arrived (to the minute), for the burst rule; no link to the review."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    arrived_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["clinic", "arrived_at"], name="reviewarrival_clinic_time")]

    def __str__(self) -> str:
        return f"A review of clinic {self.clinic_id} at {self.arrived_at:%Y-%m-%d %H:%M}"


class ReviewAnswer(models.Model):
    """The clinic's one public answer to a review, by whoever speaks for the clinic. Moderated by
    the same published policy as reviews (``Rule``); it never changes the review it answers: not
    its text, its place in the list or whether it is shown."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="answer")
    # Named, not imported: the claim belongs to the clinic's side, beside this source.
    claim = models.ForeignKey("clinicside.Claim", on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=MAX_TEXT_CHARS, help_text="As screened: names and contact details replaced.")
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=ReviewState.PENDING.value)
    rule = models.CharField(max_length=30, choices=RULE_CHOICES, blank=True, default="")
    written_on = models.DateField()
    published_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Answer to review {self.review_id} ({self.get_state_display()})"
