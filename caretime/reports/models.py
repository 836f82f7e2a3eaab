"""Reports about clinics. A call report records what a clinic answered to the three
questions; it stores no identity: no account, no address, no exact time.

Two small tables beside it keep the limits exact without tying anything to a report:
arrival times per clinic (kept a day) and keyed hashes of connections per clinic (kept
``REPEAT_WINDOW_DAYS``). Neither holds a report id, an address or an answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models

from caretime.core.calls import (
    CARE_LABELS,
    FOLLOW_UP_LABELS,
    MAX_MINUTES,
    MAX_OTHER_PATIENTS,
    NOTE_MAX_CHARS,
    VISITS_LABELS,
    CallAnswers,
    Care,
    FollowUpBy,
    Visits,
    call_evidence,
    describe,
)
from caretime.core.evidence import Evidence, Standing
from caretime.directory.models import Clinic, DisciplineChoices


class CareChoices(models.TextChoices):
    ONE_ON_ONE = Care.ONE_ON_ONE.value, CARE_LABELS[Care.ONE_ON_ONE]
    SHARED = Care.SHARED.value, CARE_LABELS[Care.SHARED]
    NOT_SAID = Care.NOT_SAID.value, CARE_LABELS[Care.NOT_SAID]


class VisitsChoices(models.TextChoices):
    EVERY_VISIT = Visits.EVERY_VISIT.value, VISITS_LABELS[Visits.EVERY_VISIT]
    FIRST_VISIT_ONLY = Visits.FIRST_VISIT_ONLY.value, VISITS_LABELS[Visits.FIRST_VISIT_ONLY]
    NOT_SAID = Visits.NOT_SAID.value, VISITS_LABELS[Visits.NOT_SAID]


class FollowUpChoices(models.TextChoices):
    THERAPIST = FollowUpBy.THERAPIST.value, FOLLOW_UP_LABELS[FollowUpBy.THERAPIST]
    ASSISTANT = FollowUpBy.ASSISTANT.value, FOLLOW_UP_LABELS[FollowUpBy.ASSISTANT]
    AIDE = FollowUpBy.AIDE.value, FOLLOW_UP_LABELS[FollowUpBy.AIDE]
    NOT_SAID = FollowUpBy.NOT_SAID.value, FOLLOW_UP_LABELS[FollowUpBy.NOT_SAID]


class StandingChoices(models.TextChoices):
    COUNTED = Standing.COUNTED.value, "Counted"
    REPEAT = Standing.REPEAT.value, "Not counted: a repeat from the same connection"
    HELD = Standing.HELD.value, "Held for review: arrived during a burst"
    REJECTED = Standing.REJECTED.value, "Rejected by a moderator"


# The columns the verdict reads, in the order of ``answers_from_row``; selectors fetch
# these as plain tuples so that thousands of reports cost one cheap query.
EVIDENCE_COLUMNS = (
    "called_in",
    "therapist_minutes",
    "minutes_withheld",
    "care",
    "other_patients",
    "visits",
    "follow_up_by",
    "visit_length_minutes",
)


class CallReport(models.Model):
    """What a clinic said when someone called and asked the three questions."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="call_reports")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    called_in = models.DateField(help_text="The month of the call (always the first day; the day is not kept).")
    therapist_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_MINUTES)], help_text="Empty: they would not say."
    )
    minutes_withheld = models.BooleanField(default=False)
    care = models.CharField(max_length=12, choices=CareChoices.choices)
    other_patients = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_OTHER_PATIENTS)]
    )
    visits = models.CharField(max_length=16, choices=VisitsChoices.choices)
    follow_up_by = models.CharField(max_length=10, choices=FollowUpChoices.choices)
    visit_length_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_MINUTES)]
    )
    # Kept private until free text is screened for names, phone numbers and record numbers.
    note = models.TextField(blank=True, validators=[MaxLengthValidator(NOTE_MAX_CHARS)])
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo region.")
    received_on = models.DateField(help_text="The day the report arrived (no time of day).")
    standing = models.CharField(
        max_length=10,
        choices=StandingChoices.choices,
        default=StandingChoices.COUNTED,
        help_text="Only counted reports feed the verdict; the rule that set it never reads the answers.",
    )

    class Meta:
        ordering = ["-called_in", "-id"]
        indexes = [
            models.Index(fields=["clinic", "discipline"], name="callreport_clinic_discipline"),
            models.Index(fields=["standing", "clinic"], name="callreport_standing_clinic"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(therapist_minutes__isnull=True) | models.Q(therapist_minutes__lte=MAX_MINUTES),
                name="callreport_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(other_patients__isnull=True) | models.Q(other_patients__lte=MAX_OTHER_PATIENTS),
                name="callreport_other_patients_range",
            ),
            models.CheckConstraint(
                condition=models.Q(visit_length_minutes__isnull=True) | models.Q(visit_length_minutes__lte=MAX_MINUTES),
                name="callreport_visit_length_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Call to clinic {self.clinic_id} ({self.discipline}, {self.called_in:%Y-%m}): {self.summary}"

    @classmethod
    def from_answers(cls, answers: CallAnswers, **fields: Any) -> CallReport:
        """An unsaved report holding the checked answers; ``fields`` give the rest."""
        return cls(
            therapist_minutes=answers.therapist_minutes,
            minutes_withheld=answers.minutes_withheld,
            care=answers.care.value,
            other_patients=answers.other_patients,
            visits=answers.visits.value,
            follow_up_by=answers.follow_up_by.value,
            visit_length_minutes=answers.visit_length_minutes,
            **fields,
        )

    @property
    def answers(self) -> CallAnswers:
        return answers_from_row(tuple(getattr(self, column) for column in EVIDENCE_COLUMNS))[1]

    @property
    def summary(self) -> str:
        return describe(self.answers)

    def as_evidence(self) -> Evidence:
        return call_evidence(self.answers, called_in=self.called_in)


class ReportArrival(models.Model):
    """When a report about a clinic arrived, to the minute: the clinic-wide limits count these.
    Not linked to the report; rows older than a day are deleted as new ones arrive."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    arrived_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "arrived_at"], name="arrival_clinic_time"),
            models.Index(fields=["arrived_at"], name="arrival_time"),
        ]

    def __str__(self) -> str:
        return f"Report about clinic {self.clinic_id} at {self.arrived_at:%Y-%m-%d %H:%M}"


class ReporterSighting(models.Model):
    """A connection (a keyed hash of its address, never the address) that reported a clinic,
    and the day it first did within the repeat window. Not linked to the report."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    reporter_key = models.CharField(max_length=64)
    first_seen_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clinic", "reporter_key"], name="sighting_unique")]
        indexes = [models.Index(fields=["first_seen_on"], name="sighting_first_seen")]

    def __str__(self) -> str:
        return f"A connection that reported clinic {self.clinic_id}, first on {self.first_seen_on}"


class ModerationDecision(models.Model):
    """A moderator's release or rejection of a held report: who, when, and the rule that held it."""

    class Decision(models.TextChoices):
        RELEASED = "released", "Released: counted from now on"
        REJECTED = "rejected", "Rejected: never counted"

    report = models.ForeignKey(CallReport, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rule = models.CharField(max_length=200, help_text="The rule that held the report.")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.moderator} on {self.decided_at:%Y-%m-%d %H:%M}"


# Plain dict lookups: selectors turn thousands of rows into answers per search.
_CARE = {c.value: c for c in Care}
_VISITS = {v.value: v for v in Visits}
_FOLLOW_UP = {f.value: f for f in FollowUpBy}


def answers_from_row(row: tuple[object, ...]) -> tuple[date, CallAnswers]:
    """(called_in, answers) from the values of ``EVIDENCE_COLUMNS``."""
    called_in, minutes, withheld, care, others, visits, follow_up, length = row
    assert isinstance(called_in, date)
    return called_in, CallAnswers(
        therapist_minutes=minutes if isinstance(minutes, int) else None,
        minutes_withheld=bool(withheld),
        care=_CARE[str(care)],
        other_patients=others if isinstance(others, int) else None,
        visits=_VISITS[str(visits)],
        follow_up_by=_FOLLOW_UP[str(follow_up)],
        visit_length_minutes=length if isinstance(length, int) else None,
    )


def evidence_from_row(row: tuple[object, ...]) -> Evidence:
    called_in, answers = answers_from_row(row)
    return call_evidence(answers, called_in=called_in)
