"""What a clinic says about itself, once someone who speaks for it has claimed its listing:
the claim, its statement of how it books patients, its schedule samples (aggregates only) and
corrections to its listing. A claim names its claimant's account so that only they act for
the clinic; pages never show who it is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caretime.core.calls import FOLLOW_UP_LABELS, FollowUpBy
from caretime.directory.models import Clinic, DisciplineChoices


class Listing(models.Model):
    """What caretime keeps about a clinic's listing beyond the public files."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="listing")
    web_domain = models.CharField(
        max_length=253, blank=True, help_text="The clinic's own web domain, e.g. clinic.example, when on record."
    )
    last_confirmed_on = models.DateField(
        null=True, blank=True, help_text="When the clinic or staff last confirmed the listing is right."
    )

    def __str__(self) -> str:
        return f"Listing of clinic {self.clinic_id}"


class Channel(models.TextChoices):
    CALL = "call", _("A phone call to the clinic's phone number")
    TEXT = "text", _("A text message to the clinic's phone number")
    LETTER = "letter", _("A letter to the clinic's address")
    EMAIL = "email", _("An e-mail to an address at the clinic's web domain")


class ClaimState(models.TextChoices):
    PENDING = "pending", _("Waiting for the code")
    CONFIRMED = "confirmed", _("Confirmed")
    VOID = "void", _("Void: code expired or too many wrong tries")
    REVOKED = "revoked", _("Revoked by staff")
    ENDED = "ended", _("Given up by the claimant")


class Claim(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="claims")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_claims")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_to = models.CharField(max_length=300, help_text="The public contact the code went to.")
    code_hash = models.CharField(max_length=128)
    code_expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=ClaimState.choices, default=ClaimState.PENDING)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"], condition=models.Q(state="confirmed"), name="one_confirmed_claim_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} of clinic {self.clinic_id} ({self.state})"


FOLLOW_UP_CHOICES = [(f.value, _(FOLLOW_UP_LABELS[f])) for f in FollowUpBy if f != FollowUpBy.NOT_SAID]


class Statement(models.Model):
    """How the clinic says it books patients of one therapy; the newest replaces the last."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="statements")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="statements")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    one_on_one_minutes = models.PositiveSmallIntegerField()
    every_visit = models.BooleanField()
    most_patients_at_once = models.PositiveSmallIntegerField()
    follow_up_by = models.CharField(max_length=10, choices=FOLLOW_UP_CHOICES)
    stated_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "discipline"], name="one_statement_per_clinic_and_therapy")
        ]

    def __str__(self) -> str:
        return f"Statement of clinic {self.clinic_id} ({self.discipline})"


class ScheduleSample(models.Model):
    """The aggregates of one schedule sample; the file itself is never stored."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="schedules")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="schedule_samples")
    received_on = models.DateField()
    first_day = models.DateField()
    last_day = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    appointments = models.PositiveIntegerField()
    patients = models.PositiveIntegerField()
    therapists = models.PositiveIntegerField()
    most_at_once = models.PositiveSmallIntegerField(help_text="The most appointments of one therapist at once.")
    patient_minutes = models.PositiveIntegerField()
    alone_minutes = models.PositiveIntegerField(help_text="Booked minutes that overlap no other appointment.")
    # Per therapist, sorted by figures (never by id): [appointments, most at once, minutes, alone].
    per_therapist = models.JSONField(default=list)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Schedule sample {self.pk} of clinic {self.clinic_id}"

    @property
    def one_on_one(self) -> bool:
        return self.most_at_once <= 1

    @property
    def alone_percent(self) -> int:
        return round(100 * self.alone_minutes / self.patient_minutes) if self.patient_minutes else 100


class CorrectionKind(models.TextChoices):
    CLOSED = "closed", _("The clinic has closed")
    MOVED = "moved", _("The clinic has moved")
    PHONE = "phone", _("The phone number is wrong")
    THERAPIES = "therapies", _("The therapies are wrong")
    INSURANCE = "insurance", _("The insurance plans are wrong")


class CorrectionState(models.TextChoices):
    WAITING = "waiting", _("Waiting for staff")
    APPLIED = "applied", _("Applied to the listing")
    DISMISSED = "dismissed", _("Dismissed")


class Correction(models.Model):
    """Someone's report that a listing is wrong. Nothing changes on the listing until staff have
    checked it; a correction from whoever speaks for the clinic says so (``claim``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="corrections")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections")
    kind = models.CharField(max_length=10, choices=CorrectionKind.choices)
    details = models.TextField(max_length=1000, help_text="What is wrong, and what is right.")
    phone = models.CharField(max_length=20, blank=True, help_text="The right phone number, for a wrong one.")
    disciplines = models.JSONField(default=list, blank=True, help_text="The right therapies, for wrong ones.")
    reported_on = models.DateField()
    state = models.CharField(max_length=10, choices=CorrectionState.choices, default=CorrectionState.WAITING)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"Correction {self.pk} of clinic {self.clinic_id} ({self.kind})"
