"""Distances on the Earth's surface and the search box around a point.

Radius search runs in two steps: a latitude/longitude box that an index can answer,
then the exact great-circle distance for the few rows inside the box. The box must
contain every point within the radius, so it is computed generously, never tightly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.7613  # mean radius (IUGG)


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, point: Point) -> bool:
        return (
            self.min_latitude <= point.latitude <= self.max_latitude
            and self.min_longitude <= point.longitude <= self.max_longitude
        )


def distance_miles(a: Point, b: Point) -> float:
    """Great-circle distance by the haversine formula."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def within_radius(
    center: Point, radius_miles: float, points: Iterable[tuple[int, float, float]]
) -> list[tuple[float, int]]:
    """``(miles, key)`` for each ``(key, latitude, longitude)`` within the radius, nearest
    first, ties broken by key.

    The same arithmetic as :func:`distance_miles` (so the same floats), with the
    centre's terms computed once: a search measures thousands of candidates.
    """
    lat1 = math.radians(center.latitude)
    cos_lat1 = math.cos(lat1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    found: list[tuple[float, int]] = []
    for key, latitude, longitude in points:
        lat2 = radians(latitude)
        dlon = radians(longitude - center.longitude)
        h = sin((lat2 - lat1) / 2) ** 2 + cos_lat1 * cos(lat2) * sin(dlon / 2) ** 2
        miles = 2 * EARTH_RADIUS_MILES * asin(min(1.0, sqrt(h)))
        if miles <= radius_miles:
            found.append((miles, key))
    found.sort()
    return found


def bounding_box(center: Point, radius_miles: float) -> BoundingBox:
    """A box that contains every point within ``radius_miles`` of ``center``.

    Longitude degrees shrink towards the poles, so the longitude half-width is taken
    at the box's edge nearest a pole (the widest it needs to be). Near a pole, or
    when the box would cross the antimeridian, the full longitude range is used:
    correct, if less selective, and no US clinic lies there.
    """
    if radius_miles < 0:
        raise ValueError("radius must not be negative")
    angular = radius_miles / EARTH_RADIUS_MILES
    dlat = math.degrees(angular)
    min_lat = max(-90.0, center.latitude - dlat)
    max_lat = min(90.0, center.latitude + dlat)
    widest_lat = math.radians(max(abs(min_lat), abs(max_lat)))
    if widest_lat >= math.radians(89.9) or math.sin(angular) >= math.cos(widest_lat):
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlon = math.degrees(math.asin(math.sin(angular) / math.cos(widest_lat)))
    min_lon, max_lon = center.longitude - dlon, center.longitude + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)
