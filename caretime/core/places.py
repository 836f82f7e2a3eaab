"""Turning what a person types ("60614", "Chicago, IL", "chicago il", "Portland") into a
point, offline.

ZIP centroids come from the ``zipcodes`` package, whose coordinates are from GeoNames
(CC BY 4.0). A city is placed at the mean of the centroids of the ZIP codes that list its
name (as their city or as an acceptable name for it).

What is accepted: a ZIP code (``60614``, ``60614-1234``), a city and state with or without a
comma (``Chicago, IL``, ``chicago il``, ``Portland, Oregon``), and a bare city name
(``Chicago``), in any case and spacing. A bare name used in several states is never guessed:
the person chooses (``PlaceUnclear`` with the states, largest first by the number of ZIP codes
that list the name). A name we do not know is never silently replaced by a near one either:
the closest spellings are offered as "did you mean" choices. docs/methodology.md ("How a place
is found") says the same for readers.
"""

from __future__ import annotations

import bisect
import enum
import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import zipcodes
from rapidfuzz import fuzz, process

from caretime.core.geo import Point, distance_miles
from caretime.core.text import gettext_noop
from caretime.core.wording import Message

STATE_NAMES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
US_STATES = frozenset(STATE_NAMES)

# How many places a person is offered at most. A bare "Springfield" is used in 30 states;
# the rest can be reached by typing the state, which the message says.
MAX_CHOICES = 8
# "Did you mean" offers fewer: past the first few, near spellings are rarely what was meant.
MAX_SUGGESTIONS = 5
# rapidfuzz's ratio (0-100, from the number of letters to insert or delete) at or above
# which a known name is offered as "did you mean": one or two slips in a city name
# ("Chicgo" 92, "Colombus" 88, "Austn" 91) pass; a different word rarely does.
SUGGESTION_MIN_SCORE = 75
# A state name typed with a slip ("Ilinois", 94) is matched more strictly: the names are few
# and long, so a real slip scores high, and a wrong state would send the search far away.
STATE_SUGGESTION_MIN_SCORE = 85
# "Use my location" searches from the nearest ZIP code's centre; farther than this from every
# ZIP code centre, the browser is not somewhere we have places for (abroad, at sea).
MAX_LOCATION_TO_ZIP_MILES = 30.0

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
# A ZIP code at the end of an address-like text: "Chicago, IL 60614".
_TRAILING_ZIP = re.compile(r"[\s,]+(\d{5})(?:-\d{4})?$")
# Spellings that differ only in these words are the same place ("St. Louis" is listed as
# "Saint Louis", "Ft Mitchell" as written): names are compared in the short form.
_WORD_FORMS = {"saint": "st", "fort": "ft", "mount": "mt"}

MESSAGE_EMPTY = gettext_noop('Type a 5-digit ZIP code or a city, like "Austin, TX" or "Austin".')
MESSAGE_UNKNOWN_ZIP = gettext_noop(
    "We don't know the ZIP code %(zip_code)s. Check it, or type a city and state instead."
)
MESSAGE_SHORT_ZIP = gettext_noop("A ZIP code has 5 digits.")
MESSAGE_CHARACTERS = gettext_noop('Type a ZIP code or a city name with letters only, like "Austin, TX" or "Austin".')
MESSAGE_NOT_A_STATE = gettext_noop(
    '"%(state)s" is not a US state. Use its two letters, like TX, or its name, like Texas.'
)
MESSAGE_NO_CITY = gettext_noop('Type a city before the state, like "Austin, TX".')
MESSAGE_ONLY_STATE = gettext_noop('%(state)s is a state. Type a city in it too, like "%(example)s", or a ZIP code.')
MESSAGE_UNKNOWN_CITY_IN_STATE = gettext_noop(
    "We don't know a city called %(city)s in %(state)s. Check the spelling, or use a ZIP code."
)
MESSAGE_UNKNOWN_CITY = gettext_noop(
    "We don't know a city called %(city)s. Check the spelling, add the state, or use a ZIP code."
)
MESSAGE_DID_YOU_MEAN = gettext_noop("We don't know a place called %(typed)s. Did you mean %(choices)s?")
MESSAGE_SEVERAL = gettext_noop(
    'More than one state has a place called %(city)s: %(choices)s. Choose one, or type the state too, like "%(example)s".'
)
MESSAGE_BAD_LOCATION = gettext_noop("Your browser sent a location we cannot read. Type a ZIP code or a city instead.")
MESSAGE_LOCATION_TOO_FAR = gettext_noop(
    "Your location is not near a US ZIP code we know. Type a ZIP code or a city instead."
)


class PlaceNotFound(ValueError):
    """The text names no place we know; the message says what to type instead.

    ``template`` (marked for translation) and ``params`` let a page translate the message
    before filling it in; ``str()`` is the English message.
    """

    def __init__(self, template: str, **params: str) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


class Unclear(enum.StrEnum):
    SEVERAL = "several"  # the name is used in several states
    MISSPELT = "misspelt"  # no place has the name; these are spelt nearly the same


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """A place to offer instead of what was typed; ``label`` is also the text to search for."""

    label: str
    zip_codes: int  # how many ZIP codes list the name in that state: the order of the choices


class PlaceUnclear(PlaceNotFound):
    """The text could mean more than one place, or nearly names one: the person chooses.

    A subclass of PlaceNotFound, so code that only needs a place treats it as not found.
    """

    def __init__(self, template: str, *, reason: Unclear, choices: tuple[PlaceChoice, ...], **params: str) -> None:
        self.reason = reason
        self.choices = choices
        super().__init__(template, choices="; ".join(choice.label for choice in choices), **params)


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
    is_delivery_area: bool  # a standard ZIP code (an area), not a PO box or one building


@dataclass(slots=True)
class _City:
    """One city name in one state: its most used spelling, its ZIP codes and its centre."""

    spellings: Counter[str] = field(default_factory=Counter)
    points: list[Point] = field(default_factory=list)

    @property
    def label_name(self) -> str:
        return self.spellings.most_common(1)[0][0]

    @property
    def zip_codes(self) -> int:
        return len(self.points)

    @property
    def center(self) -> Point:
        return Point(
            sum(p.latitude for p in self.points) / len(self.points),
            sum(p.longitude for p in self.points) / len(self.points),
        )


def all_zip_rows() -> list[dict[str, Any]]:
    """Every row of the ``zipcodes`` data set (loaded once by the package)."""
    rows: list[dict[str, Any]] = zipcodes.list_all()  # type: ignore[no-untyped-call]
    return rows


def _typeable(text: str) -> bool:
    """Letters, digits, spaces and . , ' - only: what a place is typed with, and so what every
    place offered as a choice must be named with."""
    return all(char.isalnum() or char in " .,'-" for char in text)


def name_key(text: str) -> str:
    """A city or state name as compared: lower case, without dots, apostrophes or hyphens,
    single spaces, and "saint"/"fort"/"mount" in their short forms."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[.\-]", " ", plain.lower()).replace("'", "").split()
    return " ".join(_WORD_FORMS.get(word, word) for word in words)


def _row_point(row: dict[str, Any]) -> Point | None:
    try:
        point = Point(float(row["lat"]), float(row["long"]))
    except (TypeError, ValueError):
        return None
    # About fifty ZIP codes of the data set have no location and carry 0, 0 (off Africa):
    # averaged into a city they would move Los Angeles by 70 miles.
    return None if point.latitude == 0 and point.longitude == 0 else point


@functools.cache
def _zip_index() -> dict[str, _ZipRow]:
    index: dict[str, _ZipRow] = {}
    for row in all_zip_rows():
        point = _row_point(row)
        if point is not None:
            is_area = row.get("zip_code_type") == "STANDARD" and bool(row.get("active", True))
            index[row["zip_code"]] = _ZipRow(row["city"], row["state"], point, is_area)
    return index


@functools.cache
def _city_index() -> dict[str, dict[str, _City]]:
    """City name key -> state -> the city. Only the states and districts of ``US_STATES``:
    the military post offices (AE, AP, AA) and the territories not listed are left out."""
    index: dict[str, dict[str, _City]] = defaultdict(dict)
    for row in all_zip_rows():
        point = _row_point(row)
        if point is None or row["state"] not in US_STATES:
            continue
        for name in dict.fromkeys([row["city"], *row.get("acceptable_cities", [])]):
            if not _typeable(name):  # a firm's own ZIP name ("At&t"): offered, it could not be searched
                continue
            city = index[name_key(name)].setdefault(row["state"], _City())
            city.spellings[name] += 1
            city.points.append(point)
    return dict(index)


@functools.cache
def _city_keys() -> list[str]:
    return sorted(_city_index())


@functools.cache
def _city_keys_in_state(state: str) -> list[str]:
    return [key for key, states in _city_index().items() if state in states]


@functools.cache
def _state_keys() -> dict[str, str]:
    return {name_key(name): code for code, name in STATE_NAMES.items()}


def load_place_indexes() -> None:
    """Build the ZIP and city indexes now (a second or two), once per process.

    The web server calls this as each worker starts, so no one's first search waits.
    """
    _zip_index()
    _city_index()
    _city_keys()


def zip_point(zip_code: str) -> Point | None:
    row = _zip_index().get(zip_code)
    return row.point if row else None


def zip_city_state(zip_code: str) -> tuple[str, str] | None:
    row = _zip_index().get(zip_code)
    return (row.city, row.state) if row else None


def resolve_place(text: str) -> Place:
    """Find the place a person typed, or raise PlaceNotFound with a fix-it message
    (PlaceUnclear, with the places to choose from, when the text could mean several or nearly
    names one)."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise PlaceNotFound(MESSAGE_EMPTY)
    zip_match = _ZIP.match(cleaned)
    if zip_match:
        return _zip_place(zip_match.group(1))
    if cleaned.replace("-", "").replace(" ", "").isdigit():
        raise PlaceNotFound(MESSAGE_SHORT_ZIP)
    if not _typeable(cleaned) or not any(c.isalpha() for c in cleaned):
        raise PlaceNotFound(MESSAGE_CHARACTERS)
    trailing_zip = _TRAILING_ZIP.search(cleaned)
    if trailing_zip:
        # "Chicago, IL 60614": the ZIP code is the more exact of the two.
        return _zip_place(trailing_zip.group(1))
    if "," in cleaned:
        return _city_and_state_with_comma(cleaned)
    return _city_with_or_without_state(cleaned)


def _zip_place(zip_code: str) -> Place:
    row = _zip_index().get(zip_code)
    if row is None:
        raise PlaceNotFound(MESSAGE_UNKNOWN_ZIP, zip_code=zip_code)
    return Place(f"{zip_code} ({row.city.title()}, {row.state})", row.point, zip_code)


def _state_code(text: str) -> str | None:
    """The two letters of a state typed as its two letters or as its name."""
    if text.upper() in US_STATES:
        return text.upper()
    return _state_keys().get(name_key(text))


def _city_and_state_with_comma(cleaned: str) -> Place:
    city_text, _, state_text = cleaned.rpartition(",")
    city_text, state_text = city_text.strip(" ,"), state_text.strip()
    if not state_text:  # "Chicago,"
        return _bare_city(city_text)
    if not city_text:
        raise PlaceNotFound(MESSAGE_NO_CITY)
    state = _state_code(state_text)
    if state is None:
        near_state = _near_state(state_text)
        city = _city_index().get(name_key(city_text), {}).get(near_state or "")
        if near_state and city is not None:
            choice = PlaceChoice(f"{city.label_name}, {near_state}", city.zip_codes)
            raise PlaceUnclear(MESSAGE_DID_YOU_MEAN, reason=Unclear.MISSPELT, choices=(choice,), typed=cleaned)
        raise PlaceNotFound(MESSAGE_NOT_A_STATE, state=state_text)
    return _city_in_state(city_text, state)


def _city_with_or_without_state(cleaned: str) -> Place:
    """ "chicago il", "Portland Maine", "Kansas City", "Springfield": a state is read off the
    end only when the words before it name a city in that state; otherwise the whole text is
    a bare city name ("Virginia Beach" is not the city "Beach" in Virginia)."""
    words = cleaned.split()
    first_split: tuple[str, str] | None = None
    for state_words in (1, 2, 3):  # "IL", "New York", "District of Columbia"
        if len(words) <= state_words:
            break
        state = _state_code(" ".join(words[-state_words:]))
        if state is None:
            continue
        city_text = " ".join(words[:-state_words])
        if state in _city_index().get(name_key(city_text), {}):
            return _city_in_state(city_text, state)
        first_split = first_split or (city_text, state)
    key = name_key(cleaned)
    state = _state_code(cleaned)
    # A state's name is read as the state where a town elsewhere bears it ("Indiana": not
    # Indiana, PA, unasked); a city of that name in that state is the city ("New York").
    if key in _city_index() and (state is None or state in _city_index()[key]):
        return _bare_city(cleaned) if state is None else _city_in_state(cleaned, state)
    if state is not None:
        biggest = max(
            (
                (city.zip_codes, city.label_name)
                for states in _city_index().values()
                for st, city in states.items()
                if st == state
            ),
        )
        raise PlaceNotFound(MESSAGE_ONLY_STATE, state=STATE_NAMES[state], example=f"{biggest[1]}, {state}")
    if first_split is not None:
        return _city_in_state(*first_split)
    return _bare_city(cleaned)


def _city_in_state(city_text: str, state: str) -> Place:
    city = _city_index().get(name_key(city_text), {}).get(state)
    if city is not None:
        return Place(f"{city.label_name}, {state}", city.center)
    choices = _near_names(city_text, _city_keys_in_state(state), only_state=state)
    if choices:
        typed = f"{city_text}, {state}"
        raise PlaceUnclear(MESSAGE_DID_YOU_MEAN, reason=Unclear.MISSPELT, choices=choices, typed=typed)
    raise PlaceNotFound(MESSAGE_UNKNOWN_CITY_IN_STATE, city=city_text.title(), state=state)


def _bare_city(city_text: str) -> Place:
    states = _city_index().get(name_key(city_text))
    if states:
        if len(states) == 1:
            [(state, city)] = states.items()
            return Place(f"{city.label_name}, {state}", city.center)
        choices = _largest_first((city.zip_codes, f"{city.label_name}, {state}") for state, city in states.items())
        biggest = max(states.values(), key=lambda city: city.zip_codes)
        raise PlaceUnclear(
            MESSAGE_SEVERAL,
            reason=Unclear.SEVERAL,
            choices=choices,
            city=biggest.label_name,
            example=choices[0].label,
        )
    choices = _near_names(city_text, _city_keys(), only_state=None)
    if choices:
        raise PlaceUnclear(MESSAGE_DID_YOU_MEAN, reason=Unclear.MISSPELT, choices=choices, typed=city_text)
    raise PlaceNotFound(MESSAGE_UNKNOWN_CITY, city=city_text.title())


def _largest_first(places: Any) -> tuple[PlaceChoice, ...]:
    ordered = sorted(places, key=lambda place: (-place[0], place[1]))
    return tuple(PlaceChoice(label, zip_codes) for zip_codes, label in ordered[:MAX_CHOICES])


def _near_names(typed: str, keys: list[str], *, only_state: str | None) -> tuple[PlaceChoice, ...]:
    """Known places spelt nearly like ``typed``: the closest spellings first, then the largest."""
    matches = process.extract(
        name_key(typed), keys, scorer=fuzz.ratio, limit=MAX_SUGGESTIONS, score_cutoff=SUGGESTION_MIN_SCORE
    )
    found: list[tuple[float, int, str]] = []
    for key, score, _ in matches:
        for state, city in _city_index()[key].items():
            if only_state is None or state == only_state:
                found.append((-score, -city.zip_codes, f"{city.label_name}, {state}"))
    return tuple(PlaceChoice(label, -zip_codes) for _, zip_codes, label in sorted(found)[:MAX_SUGGESTIONS])


def _near_state(typed: str) -> str | None:
    """The state whose name is spelt nearly like ``typed`` ("Ilinois"), if one clearly is."""
    if len(typed) <= 2:
        return None  # two letters are an abbreviation, and any two letters are "near" several
    match = process.extractOne(
        name_key(typed), list(_state_keys()), scorer=fuzz.ratio, score_cutoff=STATE_SUGGESTION_MIN_SCORE
    )
    return _state_keys()[match[0]] if match else None


@functools.cache
def _delivery_areas_by_latitude() -> tuple[list[float], list[tuple[str, Point]]]:
    rows = sorted(
        (row.point.latitude, zip_code, row.point)
        for zip_code, row in _zip_index().items()
        if row.is_delivery_area and row.state in US_STATES
    )
    return [latitude for latitude, _, _ in rows], [(zip_code, point) for _, zip_code, point in rows]


def place_from_location(latitude: float, longitude: float) -> Place:
    """The ZIP code area nearest to where the browser says the person is ("Use my location").

    The search then runs from that ZIP code's centre, as if the person had typed it: the exact
    coordinates are used for this look-up only and go no further (docs/privacy.md).
    """
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise PlaceNotFound(MESSAGE_BAD_LOCATION)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PlaceNotFound(MESSAGE_BAD_LOCATION)
    here = Point(latitude, longitude)
    latitudes, areas = _delivery_areas_by_latitude()
    # A degree of latitude is 69 miles everywhere: only ZIP codes in this band can be near.
    band = MAX_LOCATION_TO_ZIP_MILES / 69.0 + 0.01
    low, high = bisect.bisect_left(latitudes, latitude - band), bisect.bisect_right(latitudes, latitude + band)
    nearest = min(((distance_miles(here, point), zip_code) for zip_code, point in areas[low:high]), default=None)
    if nearest is None or nearest[0] > MAX_LOCATION_TO_ZIP_MILES:
        raise PlaceNotFound(MESSAGE_LOCATION_TOO_FAR)
    return _zip_place(nearest[1])


_COMPASS = (
    gettext_noop("north"),
    gettext_noop("north-east"),
    gettext_noop("east"),
    gettext_noop("south-east"),
    gettext_noop("south"),
    gettext_noop("south-west"),
    gettext_noop("west"),
    gettext_noop("north-west"),
)
# Where a place is: (without a county, with one), by how near the city's center it is.
_IN_CITY = (
    gettext_noop("In %(city)s, %(state)s, ZIP code %(zip)s."),
    gettext_noop("In %(city)s, %(state)s, in %(county)s, ZIP code %(zip)s."),
)
_NEAR_CENTER = (
    gettext_noop("Near the center of %(city)s, %(state)s, ZIP code %(zip)s."),
    gettext_noop("Near the center of %(city)s, %(state)s, in %(county)s, ZIP code %(zip)s."),
)
_FROM_CENTER = (
    gettext_noop("About %(miles)s miles %(direction)s of the center of %(city)s, %(state)s, ZIP code %(zip)s."),
    gettext_noop(
        "About %(miles)s miles %(direction)s of the center of %(city)s, %(state)s, in %(county)s, ZIP code %(zip)s."
    ),
)


def compass_direction(origin: Point, target: Point) -> str:
    """The eight-point compass direction from origin to target (initial bearing)."""
    lat1, lat2 = math.radians(origin.latitude), math.radians(target.latitude)
    dlon = math.radians(target.longitude - origin.longitude)
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    bearing = (math.degrees(math.atan2(x, y)) + 360) % 360
    return _COMPASS[round(bearing / 45) % 8]


def describe_location(point: Point, city: str, state: str, zip_code: str) -> str:
    """Where a place is, in words (those of the page), for people who cannot (or prefer not to)
    use a map."""
    county = _county_index().get(zip_code)
    params: dict[str, object] = {"city": city.title(), "state": state, "county": county, "zip": zip_code}
    known = _city_index().get(name_key(city), {}).get(state)
    if known is None:
        return str(Message(_IN_CITY[bool(county)], params))
    center = known.center
    miles = distance_miles(center, point)
    if miles < 0.5:
        return str(Message(_NEAR_CENTER[bool(county)], params))
    direction = Message(compass_direction(center, point))
    return str(Message(_FROM_CENTER[bool(county)], {**params, "miles": f"{miles:.1f}", "direction": direction}))


@functools.cache
def _county_index() -> dict[str, str]:
    return {row["zip_code"]: row["county"] for row in all_zip_rows() if row.get("county")}
