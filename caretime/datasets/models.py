"""Which release of each public file the site's figures come from.

A row is written when a release's import completes (``manage.py sync_public_data``), and is
what the pages and the API name when they say how fresh the directory and the billing
figures are. A release already recorded is never imported again.
"""

from __future__ import annotations

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class ReleaseKind(models.TextChoices):
    NPPES_FULL = "nppes-full", _("NPPES monthly full file")
    NPPES_WEEKLY = "nppes-weekly", _("NPPES weekly update")
    DOCTORS_CLINICIANS = "doctors-clinicians", _("CMS Doctors and Clinicians national file")
    MEDICARE = "medicare", _("Medicare Physician & Other Practitioners, by Provider and Service")


class DataRelease(models.Model):
    kind = models.CharField(max_length=20, choices=ReleaseKind.choices)
    # What tells one release from the next: the publisher's file name, plus its date and size
    # for the Doctors and Clinicians file, whose name never changes.
    release_key = models.CharField(max_length=200, unique=True)
    file_name = models.CharField(max_length=200)
    source_url = models.CharField(max_length=1000)
    released_on = models.DateField(help_text="The release's date: the month named by NPPES, else the file's date.")
    covers_through = models.DateField(
        null=True, blank=True, help_text="NPPES: the last day of registry changes the file includes."
    )
    claims_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Medicare: the claims' year.")
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows_read = models.BigIntegerField(default=0)
    row_counts = models.JSONField(default=dict, help_text="What the import created, updated, deactivated, skipped.")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["kind", "-imported_at"], name="release_kind_imported")]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The release as a person names it: "NPPES release of November 2026"."""
        if self.kind == ReleaseKind.NPPES_FULL:
            return _("NPPES release of %(month)s") % {"month": formats.date_format(self.released_on, "F Y")}
        if self.kind == ReleaseKind.NPPES_WEEKLY:
            return _("NPPES weekly update through %(day)s") % {"day": self.released_on.isoformat()}
        if self.kind == ReleaseKind.DOCTORS_CLINICIANS:
            return _("Doctors and Clinicians release of %(day)s") % {"day": self.released_on.isoformat()}
        return _("Medicare Physician & Other Practitioners, claims of %(year)s (file %(file)s)") % {
            "year": self.claims_year,
            "file": self.file_name,
        }
