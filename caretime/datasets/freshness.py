"""Which release each figure comes from and when it was imported: what pages and the API
say about how fresh the data is."""

from __future__ import annotations

from dataclasses import dataclass

from caretime.datasets.models import DataRelease, ReleaseKind
from caretime.directory.models import Clinic, ClinicSource


@dataclass(frozen=True)
class Freshness:
    directory: DataRelease | None  # the newest NPPES full file
    directory_update: DataRelease | None  # the newest weekly update applied on top of it
    rosters: DataRelease | None  # the newest Doctors and Clinicians file
    billing: list[DataRelease]  # per claims year, the file its figures come from; newest year first

    def billing_of(self, year: int) -> DataRelease | None:
        return next((release for release in self.billing if release.claims_year == year), None)


def data_freshness() -> Freshness:
    """One query: the release table holds a few rows a month, and every clinic page asks."""
    releases = list(DataRelease.objects.order_by("-released_on", "-imported_at", "-id"))

    def newest(kind: str) -> DataRelease | None:
        return next((release for release in releases if release.kind == kind), None)

    directory = newest(ReleaseKind.NPPES_FULL)
    update = newest(ReleaseKind.NPPES_WEEKLY)
    if update is not None and directory is not None and update.imported_at < directory.imported_at:
        update = None  # a full file imported since includes it
    billing: dict[int, DataRelease] = {}
    # The newest import of each year is the file its figures come from (a correction replaces the year).
    medicare = [release for release in releases if release.kind == ReleaseKind.MEDICARE]
    for release in sorted(medicare, key=lambda release: (release.imported_at, release.pk), reverse=True):
        if release.claims_year is not None:
            billing.setdefault(release.claims_year, release)
    return Freshness(
        directory=directory,
        directory_update=update,
        rosters=newest(ReleaseKind.DOCTORS_CLINICIANS),
        billing=[billing[year] for year in sorted(billing, reverse=True)],
    )


_LISTED_BY = {
    ClinicSource.NPPES: ReleaseKind.NPPES_FULL,
    ClinicSource.NPPES_SECONDARY: ReleaseKind.NPPES_FULL,
    ClinicSource.DOCTORS_CLINICIANS: ReleaseKind.DOCTORS_CLINICIANS,
}


def missing_from(clinic: Clinic, freshness: Freshness) -> DataRelease | None:
    """For an inactive clinic that a public file listed: the newest release of that file,
    which no longer lists it (the clinic is kept, and shown as possibly closed)."""
    if clinic.is_active or clinic.source not in _LISTED_BY:
        return None
    if _LISTED_BY[ClinicSource(clinic.source)] == ReleaseKind.NPPES_FULL:
        # A weekly update applied since the full file may be what deactivated its NPI.
        release = freshness.directory_update or freshness.directory
    else:
        release = freshness.rosters
    if release is None or (clinic.last_imported_at is not None and clinic.last_imported_at >= release.imported_at):
        return None
    return release
