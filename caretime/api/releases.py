"""Which public-data release each figure comes from, and when it was imported."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from caretime.api.caching import not_modified, releases_version
from caretime.api.errors import reads
from caretime.datasets.freshness import Freshness, data_freshness
from caretime.datasets.models import DataRelease

router = Router(tags=["data releases"])


class DataReleaseOut(Schema):
    kind: str = Field(description="nppes-full, nppes-weekly, doctors-clinicians or medicare.")
    label: str = Field(description='The release in words, e.g. "NPPES release of November 2026".')
    file_name: str = Field(description="The publisher's file name.")
    released_on: dt.date = Field(
        description="NPPES full file: the 1st of the month it is named for; weekly update: its last day; "
        "other files: the date the publisher's server gave the file."
    )
    covers_through: dt.date | None = Field(description="NPPES: the last day of registry changes the file includes.")
    claims_year: int | None = Field(description="Medicare: the year of the claims.")
    imported_at: dt.datetime
    size_bytes: int
    sha256: str = Field(description="SHA-256 of the file as downloaded.")
    rows_read: int


class DataReleasesOut(Schema):
    directory: DataReleaseOut | None = Field(description="The NPPES full file the directory comes from.")
    directory_update: DataReleaseOut | None = Field(description="The newest NPPES weekly update applied since.")
    rosters: DataReleaseOut | None = Field(description="The Doctors and Clinicians file linking therapists to clinics.")
    billing: list[DataReleaseOut] = Field(
        description="Per claims year, newest first: the Medicare file the billing figures of that year come from."
    )


def _out(release: DataRelease | None) -> DataReleaseOut | None:
    if release is None:
        return None
    return DataReleaseOut(
        kind=release.kind,
        label=str(release.label),
        file_name=release.file_name,
        released_on=release.released_on,
        covers_through=release.covers_through,
        claims_year=release.claims_year,
        imported_at=release.imported_at,
        size_bytes=release.size_bytes,
        sha256=release.sha256,
        rows_read=release.rows_read,
    )


def _releases_out(freshness: Freshness) -> DataReleasesOut:
    return DataReleasesOut(
        directory=_out(freshness.directory),
        directory_update=_out(freshness.directory_update),
        rosters=_out(freshness.rosters),
        billing=[out for out in map(_out, freshness.billing) if out is not None],
    )


@router.get(
    "/data-releases", **reads({200: DataReleasesOut}, conditional=True), summary="The public-data releases in use"
)
def data_releases(request: HttpRequest, response: HttpResponse) -> DataReleasesOut | HttpResponse:
    """The release of each public file the directory and the billing figures come from, and when
    it was imported (``manage.py sync_public_data``). A source loaded by hand or from the demo
    region has no release: null, or an empty list."""
    unchanged = not_modified(request, response, releases_version())
    if unchanged is not None:
        return unchanged
    return _releases_out(data_freshness())
