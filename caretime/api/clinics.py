from __future__ import annotations

import json
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from caretime.api.caching import directory_version, not_modified
from caretime.api.errors import (
    AMBIGUOUS_PLACE,
    CLINIC_NOT_FOUND,
    INVALID_INPUT,
    UNKNOWN_PLACE,
    ApiError,
    Refusal,
    reads,
)
from caretime.api.places import resolve_near
from caretime.api.types import Text
from caretime.core.kept import Kept
from caretime.directory.forms import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES, MIN_RADIUS_MILES
from caretime.directory.models import Clinic, InsurancePlan
from caretime.directory.search_cache import cached_answer, directory_generation
from caretime.directory.selectors import PAGE_SIZE, ClinicSearch, SearchPage, clinic_for_page, search_clinics

router = Router(tags=["clinics"])

DisciplineCode = Literal["pt", "ot", "slp"]


class ClinicOut(Schema):
    id: int
    name: str
    organization: str
    organization_npi: str | None
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    phone: str
    disciplines: list[str]
    insurance: list[str]
    is_demo: bool = Field(description="True for invented demo clinics; never real data.")
    distance_miles: float | None = None
    url: str


class ClinicListOut(Schema):
    items: list[ClinicOut]
    total: int
    page: int
    page_size: int
    page_count: int
    near: str | None = Field(None, description="The place the distances are measured from.")


class ClinicFilters(Schema):
    near: Text | None = Field(
        None,
        max_length=100,
        description='A ZIP code, "City, ST", "City ST", "City, State" or a city name. '
        "A name several states have, or one we do not know, is a 400 listing `candidates`.",
    )
    radius_miles: int = Field(DEFAULT_RADIUS_MILES, ge=MIN_RADIUS_MILES, le=MAX_RADIUS_MILES)
    discipline: DisciplineCode | None = None
    insurance: Text | None = Field(None, max_length=200, description="An insurance plan slug.")
    page: int = Field(1, ge=1, le=10_000)


def clinic_out(clinic: Clinic, distance: float | None = None) -> dict[str, object]:
    """One clinic as ``ClinicOut`` shows it, as plain values: a page of results is written
    straight to JSON (``page_json``) without building and validating 20 schema objects,
    which cost twice as much."""
    return {
        "id": clinic.pk,
        "name": clinic.name,
        "organization": clinic.organization.display_name,
        "organization_npi": clinic.organization.npi,
        "address_line1": clinic.address_line1,
        "address_line2": clinic.address_line2,
        "city": clinic.city,
        "state": clinic.state,
        "zip_code": clinic.zip_code,
        "latitude": clinic.latitude,
        "longitude": clinic.longitude,
        "phone": clinic.phone,
        "disciplines": clinic.disciplines,
        "insurance": [plan.name for plan in clinic.insurance_plans.all()],
        "is_demo": clinic.is_demo,
        "distance_miles": round(distance, 2) if distance is not None else None,
        "url": reverse("clinic-detail", args=[clinic.pk]),
    }


def page_json(page: SearchPage, near: str | None, generation: int) -> bytes:
    """The page as ``ClinicListOut``, byte for byte as the schema writes it (held to it by
    tests/directory/test_api.py). ``generation`` is the directory generation read before the
    page's clinics were: each clinic's listing is written once per generation (``_item``)."""
    items = ",".join(_item(hit.clinic, hit.distance_miles, generation) for hit in page.hits)
    rest = {"total": page.total, "page": page.page, "page_size": page.page_size, "page_count": page.page_count}
    return f'{{"items":[{items}],{_json(rest)[1:-1]},"near":{_json(near)}}}'.encode()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _item(clinic: Clinic, distance: float | None, generation: int) -> str:
    """One clinic of a page as ``clinic_out`` writes it: its listing's JSON, kept, with its
    distance placed in the middle (the fields keep the schema's order)."""
    key = (generation, clinic.pk)
    listing = _kept_listings.get(key)
    if listing is None:
        head, tail = _json({**clinic_out(clinic), "distance_miles": _DISTANCE}).split(_json(_DISTANCE))
        listing = (head, tail)
        _kept_listings.put(key, listing)
    head, tail = listing
    return f"{head}{_json(round(distance, 2) if distance is not None else None)}{tail}"


# Writing a clinic's listing (its organization, therapies, plans, address and address on the
# site) costs more than finding it, and it changes only with the directory's generation, while
# the clinics of dense cities come up in search after search. Nothing in it is translated.
_DISTANCE = "\x00distance\x00"  # no clinic's field holds a NUL
_kept_listings: Kept[tuple[str, str]] = Kept(20_000)


UNKNOWN_INSURANCE = Refusal(
    400, "unknown_insurance", "No insurance plan has this slug.", "No insurance plan has the slug 'acme'."
)
PAGE_NOT_FOUND = Refusal(404, "not_found", "A page past the last.", "Page 9 does not exist: the last page is 3.")


@router.get(
    "/clinics",
    **reads(
        {200: ClinicListOut},
        INVALID_INPUT,
        AMBIGUOUS_PLACE,
        UNKNOWN_PLACE,
        UNKNOWN_INSURANCE,
        PAGE_NOT_FOUND,
        conditional=True,
    ),
    summary="Search or list clinics",
)
def list_clinics(request: HttpRequest, filters: Query[ClinicFilters]) -> HttpResponse:
    """Clinics nearest first when `near` is given, otherwise every clinic by name."""
    place = None
    if filters.near is not None:
        place = resolve_near(filters.near)
    listing = HttpResponse(content_type="application/json")
    unchanged = not_modified(request, listing, directory_version())
    if unchanged is not None:
        return unchanged

    def answer() -> bytes:
        if filters.insurance and not InsurancePlan.objects.filter(slug=filters.insurance).exists():
            raise ApiError(
                400,
                "unknown_insurance",
                gettext("No insurance plan has the slug %(slug)r.") % {"slug": filters.insurance},
            )
        search = ClinicSearch(
            center=place.point if place else None,
            radius_miles=float(filters.radius_miles),
            discipline=filters.discipline,
            insurance=filters.insurance,
        )
        generation = directory_generation()  # before the clinics are read: they are of it or newer
        page = search_clinics(search, page=filters.page, page_size=PAGE_SIZE)
        if page.page > page.page_count:
            raise Http404(
                gettext("Page %(page)s does not exist: the last page is %(last)s.")
                % {"page": page.page, "last": page.page_count}
            )
        return page_json(page, place.label if place else None, generation)

    # Only successful answers are cached (a refused one raises), keyed on the resolved
    # place so that "60614" and "60614-0001" share one entry.
    key = (place.label if place else "", filters.radius_miles, filters.discipline, filters.insurance, filters.page)
    listing.content = cached_answer(key, answer)
    return listing


@router.get(
    "/clinics/{clinic_id}",
    **reads({200: ClinicOut}, INVALID_INPUT, CLINIC_NOT_FOUND, conditional=True),
    summary="One clinic",
)
def get_clinic(request: HttpRequest, response: HttpResponse, clinic_id: int) -> ClinicOut | HttpResponse:
    clinic = clinic_for_page(clinic_id)
    if clinic is None:
        raise Http404(gettext("No clinic has the id %(id)s.") % {"id": clinic_id})
    unchanged = not_modified(request, response, directory_version())
    if unchanged is not None:
        return unchanged
    return ClinicOut.model_validate(clinic_out(clinic))
