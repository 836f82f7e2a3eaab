"""Medicare Physician & Other Practitioners rows for therapist provider types, as imported."""

from __future__ import annotations

from django.db import models


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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "npi", "hcpcs_code", "place_of_service"], name="one_medicare_line_per_code"
            )
        ]
        indexes = [models.Index(fields=["npi", "year"], name="medicare_line_npi_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.npi} {self.hcpcs_code}"
