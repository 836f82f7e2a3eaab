"""Clinicians' reports about their workplace, and the figures published from them.

A ``WorkerReport`` row holds the answers, the clinic and therapy, the year the report is about,
the month it arrived, the role group, whether its NPI is on this clinic's roster for this
therapy, its standing (counted, or held for a moderator), and for a report sent with an NPI a
keyed hash of NPI + clinic + year (the key lives in the environment, never in the database).
Nothing else: no account, e-mail, network address, browser, session or time of day. Its key is
random, so the rows carry no order of arrival, and a batch is written back in a random order
when it is published (``caretime.workplace.services.publish_worker_reports``).

``WorkplaceFigures`` rows are what the site shows and the verdict reads: one per population
(clinic, therapy, year the reports are about, NPI on the roster or not), computed at
publication from that population's published reports with differential privacy.
``PrivacyLedger`` rows hold what those publications spent of each clinic, therapy and year's
privacy budget, so that repeated batches can never spend more."""

from __future__ import annotations

import dataclasses
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from caretime.core.workplace import (
    AIDE_CARE_LABELS,
    BOOKING_LABELS,
    MAX_PATIENTS_PER_HOUR,
    MAX_SLOT_MINUTES,
    MAX_UNPAID_DOCUMENTATION_MINUTES,
    MIN_SLOT_MINUTES,
    AideCare,
    Booking,
    RoleGroup,
    WorkerAnswers,
    WorkerStanding,
)
from caretime.core.workplace import WorkplaceFigures as Figures
from caretime.core.workplace_privacy import EPSILON_PER_YEAR
from caretime.directory.models import Clinic, DisciplineChoices


class RoleGroupChoices(models.TextChoices):
    THERAPIST = RoleGroup.THERAPIST.value, _("Therapist")
    ASSISTANT = RoleGroup.ASSISTANT.value, _("Assistant")
    SUPPORT = RoleGroup.SUPPORT.value, _("Aide, technician or front desk")


class WorkerStandingChoices(models.TextChoices):
    COUNTED = WorkerStanding.COUNTED.value, _("Counted: waits for the next batch")
    HELD_BURST = WorkerStanding.HELD_BURST.value, _("Held for review: arrived during a burst")
    HELD_ROSTER_FULL = (
        WorkerStanding.HELD_ROSTER_FULL.value,
        _("Held for review: more reports with a matched NPI than the roster has people"),
    )
    HELD_MONTH_FULL = (
        WorkerStanding.HELD_MONTH_FULL.value,
        _("Held for review: sent with an NPI not on the roster after this month's cap"),
    )


class BookingChoices(models.TextChoices):
    NEVER = Booking.NEVER.value, _(BOOKING_LABELS[Booking.NEVER])
    SOME_DAYS = Booking.SOME_DAYS.value, _(BOOKING_LABELS[Booking.SOME_DAYS])
    MOST_DAYS = Booking.MOST_DAYS.value, _(BOOKING_LABELS[Booking.MOST_DAYS])
    EVERY_DAY = Booking.EVERY_DAY.value, _(BOOKING_LABELS[Booking.EVERY_DAY])


class AideCareChoices(models.TextChoices):
    NO = AideCare.NO.value, _(AIDE_CARE_LABELS[AideCare.NO])
    SOMETIMES = AideCare.SOMETIMES.value, _(AIDE_CARE_LABELS[AideCare.SOMETIMES])
    OFTEN = AideCare.OFTEN.value, _(AIDE_CARE_LABELS[AideCare.OFTEN])


PATIENTS_PER_HOUR = [MinValueValidator(1), MaxValueValidator(MAX_PATIENTS_PER_HOUR)]

# The columns of the answers, in ``WorkerAnswers`` order.
ANSWER_COLUMNS = (
    "patients_per_hour_typical",
    "patients_per_hour_peak",
    "slot_minutes",
    "booking",
    "quota_percent",
    "unpaid_documentation_minutes",
    "aides_skilled_care",
    "would_recommend",
)


class WorkerReport(models.Model):
    """One clinician's (or aide's, or front desk's) report about how a clinic books patients."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: a clinic with reports is never deleted by accident; delete its reports first.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="worker_reports")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    role_group = models.CharField(max_length=10, choices=RoleGroupChoices.choices)
    experience_year = models.PositiveSmallIntegerField(help_text="The year the report is about.")
    received_in = models.DateField(help_text="The month it arrived (always the first day).")
    published_in = models.DateField(null=True, blank=True, help_text="The month of the batch that published it.")
    npi_on_roster = models.BooleanField(
        help_text="Its NPI is on this clinic's roster for this therapy in the directory's data."
    )
    standing = models.CharField(
        max_length=20,
        choices=WorkerStandingChoices.choices,
        default=WorkerStanding.COUNTED.value,
        help_text="Held reports are published only once a moderator releases them.",
    )
    npi_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Keyed hash of NPI + clinic + year: one report per NPI, clinic and year.",
    )
    patients_per_hour_typical = models.PositiveSmallIntegerField(validators=PATIENTS_PER_HOUR)
    patients_per_hour_peak = models.PositiveSmallIntegerField(validators=PATIENTS_PER_HOUR)
    slot_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_SLOT_MINUTES), MaxValueValidator(MAX_SLOT_MINUTES)]
    )
    booking = models.CharField(max_length=10, choices=BookingChoices.choices)
    quota_percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    unpaid_documentation_minutes = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(MAX_UNPAID_DOCUMENTATION_MINUTES)]
    )
    aides_skilled_care = models.CharField(max_length=10, choices=AideCareChoices.choices)
    would_recommend = models.BooleanField()
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo region.")

    class Meta:
        indexes = [
            models.Index(fields=["published_in", "clinic", "discipline"], name="workerreport_population"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(npi_on_roster=False) | models.Q(npi_key__isnull=False),
                name="workerreport_matched_key",
            ),
            models.CheckConstraint(
                condition=models.Q(patients_per_hour_peak__gte=models.F("patients_per_hour_typical")),
                name="workerreport_peak_at_least_typical",
            ),
        ]

    def __str__(self) -> str:
        return f"Worker report on clinic {self.clinic_id} ({self.discipline}, {self.experience_year})"

    @property
    def answers(self) -> WorkerAnswers:
        return answers_from_row(tuple(getattr(self, column) for column in ANSWER_COLUMNS))


def answers_from_row(row: tuple[object, ...]) -> WorkerAnswers:
    typical, peak, slot, booking, quota, unpaid, aides, recommend = row
    return WorkerAnswers(
        patients_per_hour_typical=_number(typical),
        patients_per_hour_peak=_number(peak),
        slot_minutes=_number(slot),
        booking=Booking(str(booking)),
        quota_percent=_number(quota),
        unpaid_documentation_minutes=_number(unpaid),
        aides_skilled_care=AideCare(str(aides)),
        would_recommend=bool(recommend),
    )


def _number(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a int, got {value!r}")
    return value


class WorkplaceFigures(models.Model):
    """The published figures of one population: a clinic, a therapy, the year the reports are
    about, and reports with an NPI on the clinic's roster or everyone else. Written only by a
    publication batch."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="workplace_figures")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    npi_on_roster = models.BooleanField()
    reporters = models.PositiveIntegerField()
    typical_per_hour = models.FloatField()
    peak_per_hour = models.FloatField()
    slot_minutes = models.FloatField()
    booking = models.CharField(max_length=10, choices=BookingChoices.choices)
    quota_percent = models.FloatField()
    unpaid_documentation_minutes = models.FloatField()
    aides_skilled_care_share = models.FloatField()
    recommend_share = models.FloatField()
    experience_year = models.PositiveSmallIntegerField()
    first_published = models.DateField()
    last_published = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "discipline", "experience_year", "npi_on_roster"], name="one_figure_per_population"
            )
        ]
        indexes = [models.Index(fields=["discipline", "clinic"], name="workplacefigures_discipline")]

    def __str__(self) -> str:
        kind = "NPI on roster" if self.npi_on_roster else "no NPI on roster"
        return f"Workplace figures of clinic {self.clinic_id} ({self.discipline}, {self.experience_year}, {kind}, {self.reporters} reports)"

    @property
    def figures(self) -> Figures:
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(Figures)}
        return Figures(**{**values, "booking": Booking(self.booking)})

    def set_figures(self, figures: Figures) -> None:
        for field in dataclasses.fields(Figures):
            setattr(self, field.name, getattr(figures, field.name))
        self.booking = figures.booking.value


class WorkerArrival(models.Model):
    """When a report with an NPI about a clinic and therapy arrived, for the burst rule: no link
    to the report, and deleted after an hour."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    arrived_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["clinic", "discipline", "arrived_at"], name="workerarrival_clinic")]

    def __str__(self) -> str:
        return f"Worker report arrival at clinic {self.clinic_id} ({self.discipline})"


class PrivacyLedger(models.Model):
    """What the publications of one clinic, therapy and year (the year the reports are about)
    have spent of its privacy budget, both populations together
    (``caretime.core.workplace_privacy.EPSILON_PER_YEAR``). Only ever grows."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="workplace_privacy_ledger")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    experience_year = models.PositiveSmallIntegerField()
    spent = models.FloatField(default=0.0, help_text="Epsilon spent so far, by OpenDP's privacy maps.")
    releases = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "discipline", "experience_year"], name="one_ledger_per_year"),
            models.CheckConstraint(condition=models.Q(spent__lte=EPSILON_PER_YEAR + 1e-6), name="ledger_within_budget"),
        ]

    def __str__(self) -> str:
        return f"Privacy ledger of clinic {self.clinic_id} ({self.discipline}, {self.experience_year}): {self.spent}"
