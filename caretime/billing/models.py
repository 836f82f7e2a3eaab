"""Medicare Physician & Other Practitioners rows for therapist provider types, as imported."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MedicareServiceLine(models.Model):
    """One row of the "by Provider and Service" file: a rendering NPI, a HCPCS code and a
    place of service, in one data year. Only therapist provider types are kept."""

    year = models.PositiveSmallIntegerField()
    npi = models.CharField("rendering NPI", max_length=10)
    provider_type = models.CharField(max_length=100)
    state = models.CharField(max_length=2, blank=True)
    zip5 = models.CharField(max_length=5, blank=True)
    street = models.CharField(max_length=200, blank=True)
    hcpcs_code = models.CharField(max_length=5)
    place_of_service = models.CharField(max_length=1, blank=True)  # F facility, O office
    total_beneficiaries = models.PositiveIntegerField()
    total_services = models.FloatField()  # units, for timed codes; CMS publishes decimals
    total_beneficiary_day_services = models.FloatField()  # visits with this code
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo region.")
    loaded_by = models.CharField(
        max_length=32,
        blank=True,
        help_text="The import run that last wrote the row (a replacement keeps only its own).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "npi", "hcpcs_code", "place_of_service"], name="one_medicare_line_per_code"
            )
        ]
        indexes = [models.Index(fields=["npi", "year"], name="medicare_line_npi_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.npi} {self.hcpcs_code}"


class ClinicianBillingYear(models.Model):
    """The billing indicators of one clinician (rendering NPI) in one data year, with where
    they stand among peers of the same provider type and state (percentiles 0-100)."""

    year = models.PositiveSmallIntegerField()
    npi = models.CharField("rendering NPI", max_length=10)
    provider_type = models.CharField(max_length=100)
    state = models.CharField(max_length=2, blank=True)
    zip5 = models.CharField(max_length=5, blank=True)
    street = models.CharField(max_length=200, blank=True)
    visits = models.FloatField(help_text="At least: the largest beneficiary-day count among the clinician's codes.")
    visits_high = models.FloatField(
        default=0.0, help_text="At most: the beneficiary-day counts of all its codes added up."
    )
    beneficiaries = models.PositiveIntegerField(help_text="At least: the largest beneficiary count among its codes.")
    services = models.FloatField()
    timed_units = models.FloatField()
    group_services = models.FloatField()
    timed_units_per_visit = models.FloatField(help_text="Timed units over the fewest possible visits: at most.")
    timed_units_per_visit_low = models.FloatField(
        default=0.0, help_text="Timed units over the most possible visits: at least."
    )
    timed_units_per_visit_by_code = models.JSONField(default=dict)
    group_share = models.FloatField(help_text="Share of services billed as group therapy (97150), 0-1.")
    visits_per_beneficiary = models.FloatField()
    timed_units_per_visit_percentile = models.FloatField(null=True, blank=True)
    group_share_percentile = models.FloatField(null=True, blank=True)
    visits_per_beneficiary_percentile = models.FloatField(null=True, blank=True)
    visits_percentile = models.FloatField(null=True, blank=True)
    possibly_suppressed = models.BooleanField(
        default=False, help_text="Rows under 11 beneficiaries, absent from the file, may change its figures."
    )
    is_demo = models.BooleanField(default=False, help_text="Computed from invented demo billing rows.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "npi"], name="one_billing_year_per_clinician")]
        indexes = [models.Index(fields=["zip5", "year"], name="clinician_billing_zip_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.npi}"


class ClinicBillingYear(models.Model):
    """A clinic's billing indicators for one discipline and data year: its clinicians' figures
    weighted by visits, with percentiles among clinics of the same discipline and state."""

    class LinkedBy(models.TextChoices):
        # Shown on the clinic page in a sentence of its own: translated when shown.
        ROSTER = "roster", _("the clinic's roster of clinicians")
        ADDRESS = "address", _("the clinicians' billing address")

    clinic = models.ForeignKey("directory.Clinic", on_delete=models.CASCADE, related_name="billing_years")
    year = models.PositiveSmallIntegerField()
    discipline = models.CharField(max_length=3)
    state = models.CharField(max_length=2)
    clinicians = models.PositiveIntegerField(help_text="Clinicians behind the figures (11+ beneficiaries each).")
    shared_clinicians = models.PositiveIntegerField(
        default=0, help_text="Of them, clinicians on other clinics' rosters too, counted here in part."
    )
    visits = models.FloatField(help_text="At least, with each clinician's visits shared among their clinics.")
    visits_high = models.FloatField(default=0.0, help_text="At most, shared the same way.")
    beneficiaries = models.PositiveIntegerField()
    timed_units_per_visit = models.FloatField(help_text="At most (over the fewest possible visits).")
    timed_units_per_visit_low = models.FloatField(default=0.0, help_text="At least (over the most possible visits).")
    group_days = models.FloatField(
        default=0.0, help_text="Beneficiary-days of group codes: visits with a group session."
    )
    group_share = models.FloatField()
    visits_per_beneficiary = models.FloatField()
    timed_units_per_visit_percentile = models.FloatField(null=True, blank=True)
    group_share_percentile = models.FloatField(null=True, blank=True)
    visits_per_beneficiary_percentile = models.FloatField(null=True, blank=True)
    visits_percentile = models.FloatField(null=True, blank=True)
    peer_clinics = models.PositiveIntegerField(
        default=0, help_text="Other clinics the percentiles compare with (never the clinic itself)."
    )
    possibly_suppressed = models.BooleanField(
        default=False, help_text="A clinician's rows under 11 beneficiaries, absent from the file, may change it."
    )
    linked_by = models.CharField(max_length=10, choices=LinkedBy.choices)
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "year", "discipline"], name="one_billing_year_per_clinic")
        ]
        indexes = [models.Index(fields=["year", "state"], name="clinic_billing_year_state")]

    def __str__(self) -> str:
        return f"{self.year} clinic {self.clinic_id} {self.discipline}"
