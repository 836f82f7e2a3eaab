"""Where the directory has clinics: named when a search finds none, so that a person outside
the loaded data learns where it is instead of being offered an empty wider search.

The areas are read from the active clinics and kept in the shared cache under the
directory's generation (``search_cache``), so a change to the clinics shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, Count

from caretime.core.geo import Point, distance_miles
from caretime.core.places import STATE_NAMES
from caretime.directory.forms import MAX_RADIUS_MILES
from caretime.directory.models import Clinic
from caretime.directory.search_cache import ANSWER_SECONDS, directory_generation
from caretime.directory.selectors import ClinicSearch, clinics_within

# Clinics within this distance of an area's largest city belong to that area: a metro area
# with its suburbs (the demo builds each metro within 25 miles of its centre).
AREA_RADIUS_MILES = 60.0
# More areas than this are not a list a person reads: the states are named instead.
MAX_AREAS = 12


@dataclass(frozen=True, slots=True)
class CoveredArea:
    """A place with clinics: ``label`` is shown; ``search`` is the text that searches it (a
    city, which the place search reads; none for a whole state, which it does not)."""

    label: str
    clinics: int
    search: str | None = None


@dataclass(frozen=True, slots=True)
class NothingFound:
    """What a search that found no clinic can say instead of an empty list."""

    wider_clinics: int  # clinics with the same filters within MAX_RADIUS_MILES
    outside: bool  # no active clinic of any kind within MAX_RADIUS_MILES: not in our data
    areas: list[CoveredArea]  # where the data is, when ``outside``


def nothing_found(search: ClinicSearch) -> NothingFound:
    """For a search without results: is a wider search worth offering, or is the place
    outside the loaded data (then the covered areas are named)?"""
    if search.center is None:
        raise ValueError("search.center is missing")
    wider = clinics_within(search.center, MAX_RADIUS_MILES, discipline=search.discipline, insurance=search.insurance)
    if wider:
        return NothingFound(wider_clinics=len(wider), outside=False, areas=[])
    outside = not clinics_within(search.center, MAX_RADIUS_MILES)  # no active clinic of any therapy
    return NothingFound(wider_clinics=0, outside=outside, areas=covered_areas() if outside else [])


def covered_areas() -> list[CoveredArea]:
    """The areas with active clinics, most clinics first: metro areas named by their largest
    city (by number of clinics), or the states when there are more than MAX_AREAS."""
    key = f"coverage:{directory_generation()}"
    stored = cache.get(key)
    if stored is None:
        stored = [(area.label, area.clinics, area.search) for area in _areas()]
        cache.set(key, stored, timeout=ANSWER_SECONDS)
    return [CoveredArea(label, clinics, search) for label, clinics, search in stored]


def _areas() -> list[CoveredArea]:
    cities = sorted(
        Clinic.objects.active()
        .values("city", "state")
        .annotate(clinics=Count("id"), latitude=Avg("latitude"), longitude=Avg("longitude"))
        .order_by(),
        key=lambda city: (-city["clinics"], city["state"], city["city"]),
    )
    areas: list[tuple[dict[str, object], Point, int]] = []
    for city in cities:
        point = Point(float(city["latitude"]), float(city["longitude"]))
        home = next(
            (i for i, (_, center, _) in enumerate(areas) if distance_miles(center, point) <= AREA_RADIUS_MILES), None
        )
        if home is None:
            if len(areas) == MAX_AREAS:
                return _states()
            areas.append((city, point, int(city["clinics"])))
        else:
            first, center, clinics = areas[home]
            areas[home] = (first, center, clinics + int(city["clinics"]))
    labels = ((f"{str(first['city']).title()}, {first['state']}", clinics) for first, _, clinics in areas)
    return sorted(
        (CoveredArea(label, clinics, search=label) for label, clinics in labels),
        key=lambda area: (-area.clinics, area.label),
    )


def _states() -> list[CoveredArea]:
    states = Clinic.objects.active().values("state").annotate(clinics=Count("id")).order_by("-clinics", "state")
    return [CoveredArea(STATE_NAMES.get(row["state"], row["state"]), int(row["clinics"])) for row in states]
