"""Turning what a person types ("60614" or "Chicago, IL") into a point, offline.

ZIP centroids come from the ``zipcodes`` package, whose coordinates are from GeoNames
(CC BY 4.0). A city is placed at the mean of its ZIP centroids.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import zipcodes

from caretime.core.geo import Point, distance_miles

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "PR",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_CITY_STATE = re.compile(r"^(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,\s*(?P<state>[A-Za-z]{2})$")


class PlaceNotFound(ValueError):
    """The text names no place we know; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class Place:
    label: str
    point: Point
    zip_code: str | None = None


@dataclass(frozen=True, slots=True)
class _ZipRow:
    city: str
    state: str
    point: Point


def all_zip_rows() -> list[dict[str, Any]]:
    """Every row of the ``zipcodes`` data set (loaded once by the package)."""
    rows: list[dict[str, Any]] = zipcodes.list_all()  # type: ignore[no-untyped-call]
    return rows


@functools.cache
def _zip_index() -> dict[str, _ZipRow]:
    index: dict[str, _ZipRow] = {}
    for row in all_zip_rows():
        try:
            point = Point(float(row["lat"]), float(row["long"]))
        except (TypeError, ValueError):
            continue
        index[row["zip_code"]] = _ZipRow(row["city"], row["state"], point)
    return index


@functools.cache
def _city_index() -> dict[tuple[str, str], Point]:
    points: dict[tuple[str, str], list[Point]] = defaultdict(list)
    for row in all_zip_rows():
        try:
            point = Point(float(row["lat"]), float(row["long"]))
        except (TypeError, ValueError):
            continue
        for city in [row["city"], *row.get("acceptable_cities", [])]:
            points[(city.lower(), row["state"])].append(point)
    return {
        key: Point(
            sum(p.latitude for p in found) / len(found),
            sum(p.longitude for p in found) / len(found),
        )
        for key, found in points.items()
    }


def zip_point(zip_code: str) -> Point | None:
    row = _zip_index().get(zip_code)
    return row.point if row else None


def zip_city_state(zip_code: str) -> tuple[str, str] | None:
    row = _zip_index().get(zip_code)
    return (row.city, row.state) if row else None


def resolve_place(text: str) -> Place:
    """Find the place a person typed, or raise PlaceNotFound with a fix-it message."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise PlaceNotFound('Type a 5-digit ZIP code or a city and state, like "Austin, TX".')
    zip_match = _ZIP.match(cleaned)
    if zip_match:
        zip_code = zip_match.group(1)
        row = _zip_index().get(zip_code)
        if row is None:
            raise PlaceNotFound(f"We don't know the ZIP code {zip_code}. Check it, or type a city and state instead.")
        return Place(f"{zip_code} ({row.city.title()}, {row.state})", row.point, zip_code)
    if cleaned.isdigit():
        raise PlaceNotFound("A ZIP code has 5 digits.")
    city_match = _CITY_STATE.match(cleaned)
    if not city_match:
        raise PlaceNotFound('Type a 5-digit ZIP code, or a city and state separated by a comma, like "Austin, TX".')
    city, state = city_match.group("city").strip(), city_match.group("state").upper()
    if state not in US_STATES:
        raise PlaceNotFound(f'"{state}" is not a US state abbreviation. Use two letters, like TX.')
    point = _city_index().get((city.lower(), state))
    if point is None:
        raise PlaceNotFound(
            f"We don't know a city called {city.title()} in {state}. Check the spelling, or use a ZIP code."
        )
    return Place(f"{city.title()}, {state}", point)


_COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def compass_direction(origin: Point, target: Point) -> str:
    """The eight-point compass direction from origin to target (initial bearing)."""
    lat1, lat2 = math.radians(origin.latitude), math.radians(target.latitude)
    dlon = math.radians(target.longitude - origin.longitude)
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    bearing = (math.degrees(math.atan2(x, y)) + 360) % 360
    return _COMPASS[round(bearing / 45) % 8]


def describe_location(point: Point, city: str, state: str, zip_code: str) -> str:
    """Where a place is, in words, for people who cannot (or prefer not to) use a map."""
    city_name = city.title()
    county = _county_index().get(zip_code)
    in_county = f", in {county}" if county else ""
    center = _city_index().get((city.lower(), state))
    if center is None:
        return f"In {city_name}, {state}{in_county}, ZIP code {zip_code}."
    miles = distance_miles(center, point)
    if miles < 0.5:
        return f"Near the center of {city_name}, {state}{in_county}, ZIP code {zip_code}."
    return (
        f"About {miles:.1f} miles {compass_direction(center, point)} of the center of "
        f"{city_name}, {state}{in_county}, ZIP code {zip_code}."
    )


@functools.cache
def _county_index() -> dict[str, str]:
    return {row["zip_code"]: row["county"] for row in all_zip_rows() if row.get("county")}
