"""The process's index of the directory finds exactly what the SQL box query and the exact
distance find, and follows every change to the directory in the same process."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.geo import Point, distance_miles, within_radius
from caretime.directory import search_cache
from caretime.directory.geo_index import ESTIMATE_TOLERANCE_MILES, estimated_miles, geo_index, ranked_order
from caretime.directory.models import Clinic, ClinicService, InsurancePlan, Organization
from caretime.directory.search_cache import directory_changed
from caretime.directory.selectors import ClinicSearch, clinics_within, clinics_within_queried, search_clinics
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

PLANS = ("medicare", "aetna", "cigna")
# A few shared spots, so that clinics stand at the same place (ties broken by id) and a
# centre can be one of them (a distance of 0).
SPOTS = [(41.9227, -87.6533), (41.8837, -87.6289), (42.0451, -87.6877), (41.5, -88.4)]

latitudes = st.one_of(st.sampled_from([lat for lat, _ in SPOTS]), st.floats(min_value=40.6, max_value=43.2))
longitudes = st.one_of(st.sampled_from([lon for _, lon in SPOTS]), st.floats(min_value=-89.5, max_value=-85.8))
clinic_rows = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(SPOTS), st.tuples(latitudes, longitudes)),
        st.sets(st.sampled_from(["pt", "ot", "slp"]), max_size=3),
        st.sets(st.sampled_from(PLANS), max_size=3),
        st.booleans(),  # active
    ),
    max_size=40,
)


def _write_clinics(rows: list[tuple[tuple[float, float], set[str], set[str], bool]]) -> list[Clinic]:
    """Written in bulk, as the importers and the demo builder write, so no save signal is sent."""
    organization = Organization.objects.create(legal_name="Property LLC")
    clinics = Clinic.objects.bulk_create(
        Clinic(
            organization=organization,
            name=f"Clinic {index}",
            address_line1="1 Test St",
            city="CHICAGO",
            state="IL",
            zip_code="60614",
            latitude=latitude,
            longitude=longitude,
            is_active=active,
        )
        for index, ((latitude, longitude), _, _, active) in enumerate(rows)
    )
    ClinicService.objects.bulk_create(
        ClinicService(clinic=clinic, discipline=code)
        for clinic, (_, codes, _, _) in zip(clinics, rows, strict=True)
        for code in codes
    )
    plans = {plan.slug: plan for plan in InsurancePlan.objects.filter(slug__in=PLANS)}
    through = Clinic.insurance_plans.through
    through.objects.bulk_create(
        through(clinic_id=clinic.pk, insuranceplan_id=plans[slug].pk)
        for clinic, (_, _, slugs, _) in zip(clinics, rows, strict=True)
        for slug in slugs
    )
    return clinics


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=clinic_rows,
    center=st.one_of(st.sampled_from(SPOTS), st.tuples(latitudes, longitudes)),
    radius=st.one_of(st.integers(min_value=0, max_value=100).map(float), st.floats(min_value=0, max_value=100)),
    radius_at_a_clinic=st.integers(min_value=0, max_value=39) | st.none(),
    discipline=st.sampled_from([None, "pt", "ot", "slp"]),
    insurance=st.sampled_from([None, *PLANS, "unknown-plan"]),
    page_size=st.integers(min_value=1, max_value=7),
)
def test_the_index_finds_what_the_database_finds(
    db: None,
    rows: list[tuple[tuple[float, float], set[str], set[str], bool]],
    center: tuple[float, float],
    radius: float,
    radius_at_a_clinic: int | None,
    discipline: str | None,
    insurance: str | None,
    page_size: int,
) -> None:
    point = Point(*center)
    with transaction.atomic():
        clinics = _write_clinics(rows)
        directory_changed()  # as the importers do after writing in bulk
        if radius_at_a_clinic is not None and radius_at_a_clinic < len(clinics):
            radius = distance_miles(point, clinics[radius_at_a_clinic].point)  # exactly on the edge
        expected = clinics_within_queried(point, radius, discipline=discipline, insurance=insurance)
        assert clinics_within(point, radius, discipline=discipline, insurance=insurance) == expected
        index = geo_index()
        # What each clinic offers, as the verdict sort without a therapy reads it: an
        # inactive clinic is not listed, so it offers nothing.
        assert index.offered([clinic.pk for clinic in clinics]) == {
            clinic.pk: [code for code in ("pt", "ot", "slp") if code in codes and active]
            for clinic, (_, codes, _, active) in zip(clinics, rows, strict=True)
        }
        for offset in range(0, len(expected) + page_size, page_size):
            total, page = index.page(
                point, radius, offset=offset, limit=page_size, discipline=discipline, insurance=insurance
            )
            assert total == len(expected)
            assert page == expected[offset : offset + page_size]
        transaction.set_rollback(True)


@given(
    a=st.tuples(st.floats(min_value=18.0, max_value=71.5), st.floats(min_value=-179.0, max_value=-65.0)),
    b=st.tuples(st.floats(min_value=18.0, max_value=71.5), st.floats(min_value=-179.0, max_value=-65.0)),
)
def test_the_estimated_distance_is_within_its_tolerance_of_the_exact_one(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    """The index trusts numpy's estimate only this far; the exact arithmetic decides the rest."""
    [estimate] = estimated_miles(Point(*a), np.array([b[0]]), np.array([b[1]])).tolist()
    [(exact, _)] = within_radius(Point(*a), math.inf, [(1, b[0], b[1])])
    assert abs(estimate - exact) <= ESTIMATE_TOLERANCE_MILES / 1000


# Rankings of up to a few hundred clinics with few distinct distances (clinics at one address
# tie) and groups as the results page and the alternatives make them (0/1, or minus a rank).
ranked_rows = st.integers(min_value=0, max_value=300).flatmap(
    lambda count: st.tuples(
        st.lists(st.integers(min_value=1, max_value=10**7), min_size=count, max_size=count, unique=True),
        st.lists(
            st.sampled_from([0.0, 0.25, 1.5, 1.5000000000000002, 24.9]) | st.floats(0, 101),
            min_size=count,
            max_size=count,
        ),
        st.lists(st.integers(min_value=-4, max_value=1), min_size=count, max_size=count),
    )
)


@given(ranked_rows, st.booleans(), st.sampled_from([1, 2**36]), st.sampled_from([np.int64, np.int8]))
def test_the_ranked_order_is_that_of_group_then_distance_then_id(
    rows: tuple[list[int], list[float], list[int]], grouped: bool, id_scale: int, group_type: type[np.integer[Any]]
) -> None:
    """The one sort that orders a radius puts clinics as the three stable sorts it replaced did:
    by group, then estimated distance, then id (clinics at one address in the order of their
    ids), including ids too large to pack into one number (the sorts it falls back to)."""
    ids = np.array(rows[0], dtype=np.int64) * id_scale
    estimates = np.array(rows[1], dtype=np.float64)
    groups = np.array(rows[2], dtype=group_type)  # the alternatives' are ranks of 8 bits
    if grouped:
        assert ranked_order(ids, estimates, groups).tolist() == np.lexsort((ids, estimates, groups)).tolist()
    else:
        assert ranked_order(ids, estimates).tolist() == np.lexsort((ids, estimates)).tolist()


def _names(client: Client, **query: str) -> list[str]:
    response = client.get("/api/v1/clinics", {"near": "60614", "radius_miles": "25", **query})
    assert response.status_code == 200
    return [item["name"] for item in response.json()["items"]]


def _page_names(**search: object) -> list[str]:
    page = search_clinics(ClinicSearch(center=Point(41.9227, -87.6533), radius_miles=25.0, **search))  # type: ignore[arg-type]
    return [hit.clinic.name for hit in page.hits]


def test_the_index_follows_changes_saved_in_this_process(chicago_clinics: dict[str, Clinic]) -> None:
    assert _page_names() == ["Lincoln Park PT", "Loop Speech Center", "Evanston Rehab"]
    # added
    make_clinic("Wicker Park OT", latitude=41.9088, longitude=-87.6796, disciplines=("ot",), insurance=("aetna",))
    assert _page_names(discipline="ot") == ["Lincoln Park PT", "Wicker Park OT"]
    assert _page_names(insurance="aetna") == ["Lincoln Park PT", "Wicker Park OT"]
    # moved: Evanston's clinic next door to the centre, then out of the radius
    far = chicago_clinics["far"]
    far.latitude, far.longitude = 41.9230, -87.6530
    far.save()
    assert _page_names()[:2] == ["Lincoln Park PT", "Evanston Rehab"]
    far.latitude, far.longitude = 44.98, -93.27  # Minneapolis
    far.save()
    assert "Evanston Rehab" not in _page_names()
    # deactivated
    near = chicago_clinics["near"]
    near.is_active = False
    near.save()
    assert "Lincoln Park PT" not in _page_names()
    # a therapy and an insurance plan added
    ClinicService.objects.create(clinic=chicago_clinics["mid"], discipline="pt")
    assert _page_names(discipline="pt") == ["Loop Speech Center"]
    chicago_clinics["mid"].insurance_plans.add(InsurancePlan.objects.get(slug="cigna"))
    assert _page_names(insurance="cigna") == ["Loop Speech Center"]
    # a plan renamed: searching by its new slug finds its clinics
    plan = InsurancePlan.objects.get(slug="cigna")
    plan.slug = "cigna-healthcare"
    plan.save()
    assert _page_names(insurance="cigna-healthcare") == ["Loop Speech Center"]


def test_the_api_follows_a_change_written_in_bulk_once_the_generation_changes(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    assert "Lincoln Park PT" in _names(client)
    Clinic.objects.filter(name="Lincoln Park PT").update(is_active=False)  # as an import writes: no signal
    directory_changed()  # ...and then starts a new generation, as every import does
    assert "Lincoln Park PT" not in _names(client)


def test_the_index_follows_a_generation_started_by_another_process(chicago_clinics: dict[str, Clinic]) -> None:
    assert "Evanston Rehab" in _page_names()
    Clinic.objects.filter(name="Evanston Rehab").update(is_active=False)
    cache.set(search_cache.GENERATION_KEY, search_cache.directory_generation() + 1, timeout=None)
    search_cache.forget_generations()  # as when GENERATION_RECHECK_SECONDS have passed
    assert "Evanston Rehab" not in _page_names()


def test_the_page_comes_from_the_index_without_a_candidate_query(
    chicago_clinics: dict[str, Clinic], django_assert_max_num_queries: object
) -> None:
    geo_index()
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        # the page's clinics with their organisation, services and insurance; no box query
        assert _page_names() == ["Lincoln Park PT", "Loop Speech Center", "Evanston Rehab"]


def _listing(clinic: Clinic) -> tuple[object, ...]:
    return (
        clinic.pk,
        clinic.name,
        clinic.address_line1,
        clinic.phone,
        clinic.organization.display_name,
        clinic.disciplines,
        [plan.name for plan in clinic.insurance_plans.all()],
    )


def test_the_page_built_from_the_index_shows_what_the_database_holds(
    chicago_clinics: dict[str, Clinic], django_assert_num_queries: object
) -> None:
    make_clinic("Many Plans PT", latitude=41.91, longitude=-87.65, disciplines=("slp", "pt", "ot"), insurance=PLANS)
    make_clinic("No Plans", latitude=41.90, longitude=-87.66, disciplines=())
    page = search_clinics(ClinicSearch(center=Point(41.9227, -87.6533), radius_miles=25.0))
    ids = [hit.clinic.pk for hit in page.hits]
    from caretime.directory.selectors import with_listing_details

    prefetched = with_listing_details(Clinic.objects.all()).in_bulk(ids)
    with django_assert_num_queries(0):  # type: ignore[operator]
        shown = [_listing(hit.clinic) for hit in page.hits]
    assert shown == [_listing(prefetched[pk]) for pk in ids]
    assert shown[1][5:] == (["pt", "ot", "slp"], ["Aetna", "Cigna", "Medicare"])
    with pytest.raises(TypeError):  # a query from the index's rows would not be the clinic's
        page.hits[0].clinic.insurance_plans.filter(slug="medicare")
