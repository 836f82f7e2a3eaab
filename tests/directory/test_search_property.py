"""The radius search finds exactly the clinics a brute-force scan finds, nearest first."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.geo import Point, distance_miles
from caretime.directory.models import Clinic
from caretime.directory.selectors import ClinicSearch, search_clinics
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def scattered_clinics(db: None) -> list[Clinic]:
    rng = random.Random(42)
    return [
        make_clinic(
            f"Clinic {index}",
            latitude=41.88 + rng.uniform(-1.2, 1.2),
            longitude=-87.63 + rng.uniform(-1.6, 1.6),
            disciplines=(rng.choice(["pt", "ot", "slp"]),),
        )
        for index in range(120)
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    latitude=st.floats(min_value=40.8, max_value=43.0),
    longitude=st.floats(min_value=-89.2, max_value=-86.0),
    radius=st.integers(min_value=1, max_value=100),
    discipline=st.sampled_from([None, "pt", "ot", "slp"]),
)
def test_search_equals_a_brute_force_scan(
    scattered_clinics: list[Clinic], latitude: float, longitude: float, radius: int, discipline: str | None
) -> None:
    center = Point(latitude, longitude)
    expected = sorted(
        (distance_miles(center, clinic.point), clinic.pk)
        for clinic in scattered_clinics
        if distance_miles(center, clinic.point) <= radius and (discipline is None or clinic.disciplines == [discipline])
    )
    search = ClinicSearch(center=center, radius_miles=float(radius), discipline=discipline)
    found: list[tuple[float, int]] = []
    page_number = 1
    while True:
        page = search_clinics(search, page=page_number)
        found.extend((hit.distance_miles or 0.0, hit.clinic.pk) for hit in page.hits)
        if not page.has_next:
            break
        page_number += 1
    assert page.total == len(expected)
    assert [pk for _, pk in found] == [pk for _, pk in expected]
