"""Reads for the directory: the radius search and the clinic page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch

from caretime.core.geo import Point, bounding_box, within_radius
from caretime.directory.clinic_rows import clinic_rows
from caretime.directory.geo_index import GeoIndex, geo_index
from caretime.directory.models import Clinic, ClinicQuerySet, ClinicService, InsurancePlan, Organization

PAGE_SIZE = 20


@dataclass(frozen=True)
class ClinicSearch:
    """A validated search: every field has been checked at the boundary (form or API)."""

    center: Point | None = None
    radius_miles: float = 25.0
    discipline: str | None = None
    insurance: str | None = None


@dataclass(frozen=True)
class ClinicHit:
    clinic: Clinic
    distance_miles: float | None


class PageNumbers:
    """Page arithmetic of a page of results; the dataclass using it has these fields."""

    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first_rank(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class SearchPage(PageNumbers):
    hits: list[ClinicHit]
    total: int
    page: int
    page_size: int


def with_listing_details(queryset: ClinicQuerySet) -> ClinicQuerySet:
    return queryset.select_related("organization").prefetch_related(
        Prefetch("services", queryset=ClinicService.objects.order_by("discipline")),
        Prefetch("insurance_plans", queryset=InsurancePlan.objects.order_by("-is_curated", "name")),
    )


def _filtered(search: ClinicSearch) -> ClinicQuerySet:
    clinics = Clinic.objects.active()
    if search.discipline:
        clinics = clinics.offering(search.discipline)
    if search.insurance:
        clinics = clinics.accepting(search.insurance)
    return clinics


def clinics_within(
    center: Point, radius_miles: float, *, discipline: str | None = None, insurance: str | None = None
) -> list[tuple[float, int]]:
    """``(miles, clinic id)`` of the active clinics within the radius, nearest first, ties by id.

    Answered from this process's index of the directory (``caretime.directory.geo_index``),
    without a query: the same clinics and the same distances as ``clinics_within_queried``.
    """
    return geo_index().within(center, radius_miles, discipline=discipline, insurance=insurance)


def clinics_within_queried(
    center: Point, radius_miles: float, *, discipline: str | None = None, insurance: str | None = None
) -> list[tuple[float, int]]:
    """What ``clinics_within`` answers, read from the database: the definition the index keeps to.

    The database narrows the rows to a latitude/longitude box through the index; the exact
    great-circle distance of those few rows is then computed here, the same way on every
    database, so SQLite and PostgreSQL give identical results.
    """
    # No ORDER BY: the rows are ranked here, and sorting them by name would cost a table
    # read per candidate.
    candidates = (
        _filtered(ClinicSearch(center, radius_miles, discipline, insurance))
        .in_box(bounding_box(center, radius_miles))
        .order_by()
        .values_list("id", "latitude", "longitude")
    )
    return within_radius(center, radius_miles, candidates)


def search_clinics(search: ClinicSearch, *, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """Clinics matching the search, nearest first (or by name without a center)."""
    offset = (page - 1) * page_size
    if search.center is None:
        clinics = _filtered(search)
        total = clinics.count()
        page_clinics = with_listing_details(clinics.order_by("name", "id"))[offset : offset + page_size]
        return SearchPage([ClinicHit(c, None) for c in page_clinics], total, page, page_size)

    index = geo_index()
    total, page_ids = index.page(
        search.center,
        search.radius_miles,
        offset=offset,
        limit=page_size,
        discipline=search.discipline,
        insurance=search.insurance,
    )
    by_id = clinics_for_listing([clinic_id for _, clinic_id in page_ids], index)
    # A clinic an import or the demo rebuild removed between the two reads is left out.
    hits = [ClinicHit(by_id[clinic_id], miles) for miles, clinic_id in page_ids if clinic_id in by_id]
    return SearchPage(hits, total, page, page_size)


# The clinics an index keeps listed (``GeoIndex.listed``, a few KB each): the pages of the
# regions people search; past this many it starts again.
LISTED_KEPT = 10_000


def clinics_for_listing(clinic_ids: Sequence[int], index: GeoIndex) -> dict[int, Clinic]:
    """The clinics of a page of results, by id, as ``with_listing_details`` gives them: one
    query for the clinics with their organisation; their services and plans come from
    ``index``, the index that ranked them (a newer one may no longer list them).

    Kept with the index (``GeoIndex.listed``), so a clinic listed before costs no query: what a
    listing shows changes only with the directory generation (saving a clinic, a service or a
    plan, and every import, start a new one), as the cards kept per generation assume. Shared
    by every request of the process, so read only."""
    listed = index.listed
    by_id: dict[int, Clinic] = {}
    missing = []
    for clinic_id in clinic_ids:
        clinic = listed.get(clinic_id)
        if clinic is None:
            missing.append(clinic_id)
        else:
            by_id[clinic_id] = clinic
    if missing:
        found = _with_organizations(missing)
        index.add_listing_details(found.values())
        if len(listed) + len(found) > LISTED_KEPT:
            listed.clear()
        listed.update(found)
        by_id.update(found)
    return by_id


_CLINIC = [field.attname for field in Clinic._meta.concrete_fields]
_ORGANIZATION = [field.attname for field in Organization._meta.concrete_fields]
# The clinics with their organisation, as ``select_related("organization")`` reads them, in a
# statement compiled once (``caretime.directory.clinic_rows``): a clinic asked for the first time
# in a worker cost more compiling this than reading it.
_clinic_rows = clinic_rows(
    lambda _: Clinic.objects.order_by().values_list(*_CLINIC, *(f"organization__{name}" for name in _ORGANIZATION)),
    column="pk",
)


def _with_organizations(clinic_ids: Sequence[int]) -> dict[int, Clinic]:
    """``Clinic.objects.select_related("organization").in_bulk(clinic_ids)``."""
    alias = connection.alias
    organization = Clinic._meta.get_field("organization")
    found = {}
    for row in _clinic_rows(clinic_ids):
        clinic = Clinic.from_db(alias, _CLINIC, row[: len(_CLINIC)])
        organization.set_cached_value(clinic, Organization.from_db(alias, _ORGANIZATION, row[len(_CLINIC) :]))
        found[clinic.pk] = clinic
    return found


def clinic_for_page(clinic_id: int) -> Clinic | None:
    # Not its clinicians: no page lists them (a query and a model instance each, for nothing).
    return with_listing_details(Clinic.objects.all()).filter(pk=clinic_id).first()
