"""Reports about clinics. A call report records what a clinic answered to the three
questions; a visit report what a patient lived through on one visit. Neither stores an
address or an exact time; a report filed while signed in keeps its account, so that the
person can see and delete it and their repeated reports count once. Pages never show whose
a report is.

Each clinic and therapy keeps the sums of its counted visit reports (``ClinicCareTime``),
and each state the same sums (``RegionCareTime``, the nation's being all states' together), so
that a profile is read from one row and a few, and a new report is one small update and one
insert.

Two small tables beside it keep the limits exact without tying anything to a report:
arrival times per clinic (kept a day) and keyed hashes of connections per clinic (kept
``REPEAT_WINDOW_DAYS``). Neither holds a report id, an address or an answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
from caretime.core.care_time import MAX_OTHER_PATIENTS as MAX_VISIT_OTHER_PATIENTS
from caretime.core.care_time import (
    OTHER_PATIENTS_LABELS,
    VISIT_KIND_LABELS,
    WHOLE_TIME_LABELS,
    CareTimeSums,
    VisitFacts,
    VisitKind,
    WholeTime,
    describe_visit,
    visit_evidence,
)
from caretime.core.evidence import Evidence, Standing
from caretime.directory.models import Clinic, DisciplineChoices


class CareChoices(models.TextChoices):
    ONE_ON_ONE = Care.ONE_ON_ONE.value, _(CARE_LABELS[Care.ONE_ON_ONE])
    SHARED = Care.SHARED.value, _(CARE_LABELS[Care.SHARED])
    NOT_SAID = Care.NOT_SAID.value, _(CARE_LABELS[Care.NOT_SAID])


class VisitsChoices(models.TextChoices):
    EVERY_VISIT = Visits.EVERY_VISIT.value, _(VISITS_LABELS[Visits.EVERY_VISIT])
    FIRST_VISIT_ONLY = Visits.FIRST_VISIT_ONLY.value, _(VISITS_LABELS[Visits.FIRST_VISIT_ONLY])
    NOT_SAID = Visits.NOT_SAID.value, _(VISITS_LABELS[Visits.NOT_SAID])


class FollowUpChoices(models.TextChoices):
    THERAPIST = FollowUpBy.THERAPIST.value, _(FOLLOW_UP_LABELS[FollowUpBy.THERAPIST])
    ASSISTANT = FollowUpBy.ASSISTANT.value, _(FOLLOW_UP_LABELS[FollowUpBy.ASSISTANT])
    AIDE = FollowUpBy.AIDE.value, _(FOLLOW_UP_LABELS[FollowUpBy.AIDE])
    NOT_SAID = FollowUpBy.NOT_SAID.value, _(FOLLOW_UP_LABELS[FollowUpBy.NOT_SAID])


class StandingChoices(models.TextChoices):
    COUNTED = Standing.COUNTED.value, _("Counted")
    REPEAT = Standing.REPEAT.value, _("Not counted: a repeat from the same person or connection")
    HELD = Standing.HELD.value, _("Held for review: arrived during a burst")
    REJECTED = Standing.REJECTED.value, _("Rejected by a moderator")


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

    # PROTECT: a clinic with reports is never deleted by accident; delete its reports first.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="call_reports")
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
    # Set when the caller was signed in: they can see and delete the report, and their calls
    # and visit reports about one clinic count as one person. Never shown with the report.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="call_reports"
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


class VisitKindChoices(models.TextChoices):
    FIRST = VisitKind.FIRST.value, _(VISIT_KIND_LABELS[VisitKind.FIRST])
    EARLY_FOLLOW_UP = VisitKind.EARLY_FOLLOW_UP.value, _(VISIT_KIND_LABELS[VisitKind.EARLY_FOLLOW_UP])
    LATER_FOLLOW_UP = VisitKind.LATER_FOLLOW_UP.value, _(VISIT_KIND_LABELS[VisitKind.LATER_FOLLOW_UP])


class WholeTimeChoices(models.TextChoices):
    YES = WholeTime.YES.value, _(WHOLE_TIME_LABELS[WholeTime.YES])
    NO = WholeTime.NO.value, _(WHOLE_TIME_LABELS[WholeTime.NO])
    NOT_SURE = WholeTime.NOT_SURE.value, _(WHOLE_TIME_LABELS[WholeTime.NOT_SURE])


OTHER_PATIENTS_CHOICES = list(OTHER_PATIENTS_LABELS.items())

# The columns the verdict and the profile read, in the order of ``facts_from_row``.
VISIT_COLUMNS = (
    "visited_in",
    "visit_kind",
    "scheduled_minutes",
    "therapist_minutes",
    "aide_minutes",
    "other_patients",
    "whole_time",
    "connected",
)


class VisitReport(models.Model):
    """What a patient lived through on one visit. Filed by a signed-in person with a verified
    e-mail (only demo reports have no account); published without who filed it."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Deleting reports goes through the service, which takes them out of the sums.
        on_delete=models.PROTECT,
        related_name="visit_reports",
    )
    # PROTECT: a clinic with reports is never deleted by accident; delete its reports first.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="visit_reports")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    visited_in = models.DateField(help_text="The month of the visit (always the first day; the day is not kept).")
    visit_kind = models.CharField(max_length=16, choices=VisitKindChoices.choices)
    scheduled_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_MINUTES)]
    )
    # Null: the patient does not know (``VisitFacts``); the aide's minutes only with the therapist's.
    therapist_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_MINUTES)]
    )
    aide_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_MINUTES)])
    other_patients = models.PositiveSmallIntegerField(
        choices=OTHER_PATIENTS_CHOICES, validators=[MaxValueValidator(MAX_VISIT_OTHER_PATIENTS)]
    )
    whole_time = models.CharField(max_length=8, choices=WholeTimeChoices.choices)
    connected = models.BooleanField(help_text="Staff, family or owner of the clinic: counted nowhere, shown as such.")
    from_timer = models.BooleanField(default=False, help_text="Filled in from the visit timer.")
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo region.")
    received_on = models.DateField(help_text="The day the report arrived (no time of day).")
    standing = models.CharField(max_length=10, choices=StandingChoices.choices, default=StandingChoices.COUNTED)

    class Meta:
        ordering = ["-visited_in", "-id"]
        indexes = [
            models.Index(fields=["clinic", "discipline"], name="visitreport_clinic_discipline"),
            models.Index(fields=["standing", "clinic"], name="visitreport_standing_clinic"),
            models.Index(fields=["account", "clinic"], name="visitreport_account_clinic"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(therapist_minutes__isnull=True) | models.Q(therapist_minutes__lte=MAX_MINUTES))
                & (models.Q(aide_minutes__isnull=True) | models.Q(aide_minutes__lte=MAX_MINUTES)),
                name="visitreport_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(therapist_minutes__isnull=True) | models.Q(aide_minutes__isnull=False),
                name="visitreport_aide_minutes_known",
            ),
            models.CheckConstraint(
                condition=models.Q(scheduled_minutes__isnull=True) | models.Q(scheduled_minutes__lte=MAX_MINUTES),
                name="visitreport_scheduled_range",
            ),
            models.CheckConstraint(
                condition=models.Q(other_patients__lte=MAX_VISIT_OTHER_PATIENTS), name="visitreport_others_range"
            ),
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | models.Q(is_demo=True), name="visitreport_has_account"
            ),
        ]

    def __str__(self) -> str:
        return f"Visit to clinic {self.clinic_id} ({self.discipline}, {self.visited_in:%Y-%m}): {self.summary}"

    @classmethod
    def from_facts(cls, facts: VisitFacts, **fields: Any) -> VisitReport:
        """An unsaved report holding the checked facts; ``fields`` give the rest."""
        return cls(
            visit_kind=facts.visit_kind.value,
            scheduled_minutes=facts.scheduled_minutes,
            therapist_minutes=facts.therapist_minutes,
            aide_minutes=facts.aide_minutes,
            other_patients=facts.other_patients,
            whole_time=facts.whole_time.value,
            connected=facts.connected,
            **fields,
        )

    @property
    def facts(self) -> VisitFacts:
        return facts_from_row(tuple(getattr(self, column) for column in VISIT_COLUMNS))[1]

    @property
    def summary(self) -> str:
        return describe_visit(self.facts)

    @property
    def counts(self) -> bool:
        """Whether the report feeds the verdict and the profile."""
        return self.standing == Standing.COUNTED and not self.connected


def facts_from_row(row: tuple[object, ...]) -> tuple[date, VisitFacts]:
    """(visited_in, facts) from the values of ``VISIT_COLUMNS``."""
    visited_in, kind, scheduled, therapist, aide, others, whole, connected = row
    if not isinstance(visited_in, date):
        raise TypeError(f"expected a date, got {visited_in!r}")
    return visited_in, VisitFacts(
        visit_kind=VisitKind(str(kind)),
        scheduled_minutes=scheduled if isinstance(scheduled, int) else None,
        therapist_minutes=therapist if isinstance(therapist, int) else None,
        aide_minutes=aide if isinstance(aide, int) else None,
        other_patients=_number(others),
        whole_time=WholeTime(str(whole)),
        connected=bool(connected),
    )


def _number(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a int, got {value!r}")
    return value


def person_key(account_id: int | None) -> str:
    """Tells one signed-in person's reports apart from another's inside the verdict (never
    shown); reports without an account stand for themselves."""
    return f"account:{account_id}" if account_id is not None else ""


def visit_evidence_from_row(row: tuple[object, ...], account_id: int | None) -> Evidence | None:
    visited_in, facts = facts_from_row(row)
    return visit_evidence(facts, visited_in=visited_in, person=person_key(account_id))


class CareTimeSumsFields(models.Model):
    """The weighted sums of ``caretime.core.care_time.CareTimeSums``, stored multiplied by
    ``growth(visit month)`` so that they never need re-ageing."""

    weight = models.FloatField(default=0.0)
    minutes = models.JSONField(default=list, help_text="Weight per 5-minute step of one-on-one time.")
    whole_known = models.FloatField(default=0.0)
    whole_one_on_one = models.FloatField(default=0.0)
    shared = models.JSONField(default=list, help_text="Weight of visits with 1, 2, 3 or more other patients.")
    aide_led = models.FloatField(default=0.0)

    class Meta:
        abstract = True

    @property
    def sums(self) -> CareTimeSums:
        found = CareTimeSums(
            weight=self.weight,
            whole_known=self.whole_known,
            whole_one_on_one=self.whole_one_on_one,
            aide_led=self.aide_led,
        )
        found.minutes[: len(self.minutes)] = [float(v) for v in self.minutes]
        found.shared[: len(self.shared)] = [float(v) for v in self.shared]
        return found

    def set_sums(self, sums: CareTimeSums) -> None:
        self.weight = sums.weight
        self.minutes = list(sums.minutes)
        self.whole_known = sums.whole_known
        self.whole_one_on_one = sums.whole_one_on_one
        self.shared = list(sums.shared)
        self.aide_led = sums.aide_led


class ClinicCareTime(CareTimeSumsFields):
    """The sums behind one clinic's Care Time profile for one therapy."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    reporters = models.PositiveIntegerField(default=0, help_text="Different people with counted reports.")
    minutes_reporters = models.PositiveIntegerField(
        default=0, help_text="Different people with counted reports that gave minutes with the therapist."
    )
    reports = models.PositiveIntegerField(default=0, help_text="Counted reports.")
    newest = models.DateField(null=True, blank=True, help_text="Month of the newest counted visit.")
    connected_reports = models.PositiveIntegerField(
        default=0, help_text="Reports from people connected to the clinic: shown as such, counted nowhere."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clinic", "discipline"], name="clinic_care_time_unique")]

    def __str__(self) -> str:
        return f"Care Time sums of clinic {self.clinic_id} ({self.discipline}): {self.reports} reports"


NATIONAL = ""  # the ``state`` under which profiles find the nation's sums (never stored)


class RegionCareTime(CareTimeSumsFields):
    """Part of the same sums over a state's clinics: the prior every clinic's profile is pulled
    toward. A state's sums are the sum of all its rows, and the nation's the sum of every
    state's. Each counted report adds a row of its own (its contribution, or minus it when it
    goes) instead of updating one shared row: an update would lock the state's row, and the
    nation's, until the report's transaction ends, so every writer in the country would wait
    for the one before. Every ``FOLD_EVERY``-th row folds its therapy's rows into one per
    state (``caretime.reports.services``), so a read stays a few dozen rows."""

    state = models.CharField(max_length=2)
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)

    class Meta:
        indexes = [models.Index(fields=["discipline", "state"], name="region_care_time_discipline")]

    def __str__(self) -> str:
        return f"Care Time sums (part) of {self.state} ({self.discipline})"


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
    """A moderator's release or rejection of a held report (a call or a visit report): who,
    when, and the rule that held it."""

    class Decision(models.TextChoices):
        RELEASED = "released", _("Released: counted from now on")
        REJECTED = "rejected", _("Rejected: never counted")

    report = models.ForeignKey(CallReport, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    visit_report = models.ForeignKey(
        VisitReport, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rule = models.CharField(max_length=200, help_text="The rule that held the report.")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=True, visit_report__isnull=False)
                | models.Q(report__isnull=False, visit_report__isnull=True),
                name="decision_on_one_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.moderator} on {self.decided_at:%Y-%m-%d %H:%M}"


# Plain dict lookups: selectors turn thousands of rows into answers per search.
_CARE = {c.value: c for c in Care}
_VISITS = {v.value: v for v in Visits}
_FOLLOW_UP = {f.value: f for f in FollowUpBy}


def answers_from_row(row: tuple[object, ...]) -> tuple[date, CallAnswers]:
    """(called_in, answers) from the values of ``EVIDENCE_COLUMNS``."""
    called_in, minutes, withheld, care, others, visits, follow_up, length = row
    if not isinstance(called_in, date):
        raise TypeError(f"expected a date, got {called_in!r}")
    return called_in, CallAnswers(
        therapist_minutes=minutes if isinstance(minutes, int) else None,
        minutes_withheld=bool(withheld),
        care=_CARE[str(care)],
        other_patients=others if isinstance(others, int) else None,
        visits=_VISITS[str(visits)],
        follow_up_by=_FOLLOW_UP[str(follow_up)],
        visit_length_minutes=length if isinstance(length, int) else None,
    )
