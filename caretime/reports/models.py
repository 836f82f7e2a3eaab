"""Reports about clinics. A call report records what a clinic answered to the three
questions; it stores no identity: no account, no address, no exact time."""

from __future__ import annotations

from datetime import date
from typing import Any

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
from caretime.core.evidence import Evidence
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

    class Meta:
        ordering = ["-called_in", "-id"]
        indexes = [models.Index(fields=["clinic", "discipline"], name="callreport_clinic_discipline")]
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
