import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.core.geo import Point, bounding_box, distance_miles, within_radius

CHICAGO_LOOP = Point(41.8837, -87.6289)
EVANSTON = Point(42.0451, -87.6877)


def test_known_distance_chicago_loop_to_evanston() -> None:
    # About 11.5 miles as the crow flies.
    assert distance_miles(CHICAGO_LOOP, EVANSTON) == pytest.approx(11.5, abs=0.3)


def test_new_york_to_los_angeles() -> None:
    assert distance_miles(Point(40.7128, -74.0060), Point(34.0522, -118.2437)) == pytest.approx(2446, rel=0.01)


def test_distance_is_zero_to_itself_and_symmetric() -> None:
    assert distance_miles(EVANSTON, EVANSTON) == 0
    assert distance_miles(EVANSTON, CHICAGO_LOOP) == pytest.approx(distance_miles(CHICAGO_LOOP, EVANSTON))


latitudes = st.floats(min_value=-70, max_value=70, allow_nan=False)
longitudes = st.floats(min_value=-170, max_value=170, allow_nan=False)


@given(
    latitude=latitudes,
    longitude=longitudes,
    radius=st.floats(min_value=0.5, max_value=100),
    bearing=st.floats(min_value=0, max_value=2 * math.pi),
    fraction=st.floats(min_value=0, max_value=0.999),
)
def test_the_box_contains_every_point_within_the_radius(
    latitude: float, longitude: float, radius: float, bearing: float, fraction: float
) -> None:
    center = Point(latitude, longitude)
    # Walk `fraction * radius` miles from the center along `bearing` (spherical destination formula).
    angular = fraction * radius / 3958.7613
    lat1, lon1 = math.radians(latitude), math.radians(longitude)
    lat2 = math.asin(math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1), math.cos(angular) - math.sin(lat1) * math.sin(lat2)
    )
    target = Point(math.degrees(lat2), math.degrees(lon2))
    assert distance_miles(center, target) <= radius
    assert bounding_box(center, radius).contains(target)


def test_the_box_is_not_needlessly_wide() -> None:
    box = bounding_box(CHICAGO_LOOP, 25)
    # 25 miles is about 0.36 degrees of latitude and 0.49 of longitude at Chicago.
    assert box.max_latitude - box.min_latitude == pytest.approx(0.723, abs=0.01)
    assert box.max_longitude - box.min_longitude < 1.0


def test_negative_radius_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        bounding_box(CHICAGO_LOOP, -1)


@given(
    center_latitude=latitudes,
    center_longitude=longitudes,
    radius=st.floats(min_value=0, max_value=200),
    places=st.lists(st.tuples(latitudes, longitudes), max_size=30),
)
def test_within_radius_keeps_exactly_the_places_distance_miles_keeps_nearest_first(
    center_latitude: float, center_longitude: float, radius: float, places: list[tuple[float, float]]
) -> None:
    # The search ranks clinics with within_radius; the clinic page shows distance_miles.
    # Both must agree to the last digit, and equal distances must come out in key order.
    center = Point(center_latitude, center_longitude)
    candidates = [(key, lat, lon) for key, (lat, lon) in enumerate(places + places)]
    expected = sorted(
        (distance_miles(center, Point(lat, lon)), key)
        for key, lat, lon in candidates
        if distance_miles(center, Point(lat, lon)) <= radius
    )
    assert within_radius(center, radius, candidates) == expected
