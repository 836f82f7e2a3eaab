"""Place search that forgives: the ways people type a place, a choice where a name is
ambiguous, "did you mean" where it is misspelt (never a silent guess), and "Use my location"."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from caretime.core.geo import Point, distance_miles
from caretime.core.places import (
    MAX_CHOICES,
    MAX_LOCATION_TO_ZIP_MILES,
    MAX_SUGGESTIONS,
    STATE_NAMES,
    Place,
    PlaceNotFound,
    PlaceUnclear,
    Unclear,
    _city_index,
    _delivery_areas_by_latitude,
    _state_code,
    name_key,
    place_from_location,
    resolve_place,
)

CHICAGO = resolve_place("Chicago, IL")


@pytest.mark.parametrize(
    "text",
    [
        "Chicago, IL",
        "chicago il",
        "CHICAGO IL",
        "Chicago",
        "chicago",
        "  chicago ,  il ",
        "Chicago, Illinois",
        "chicago illinois",
        "Chicago,",
    ],
)
def test_every_way_of_typing_chicago_finds_chicago(text: str) -> None:
    assert resolve_place(text) == CHICAGO
    assert CHICAGO.label == "Chicago, IL"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("portland or", "Portland, OR"),
        ("Portland Maine", "Portland, ME"),
        ("portland, oregon", "Portland, OR"),
        ("new york ny", "New York, NY"),
        ("New York", "New York, NY"),  # one state only: no choice to make
        ("Kansas City Kansas", "Kansas City, KS"),
        ("Virginia Beach", "Virginia Beach, VA"),  # not the city "Beach" in Virginia
        ("St. Louis, MO", "Saint Louis, MO"),  # listed as Saint Louis
        ("st louis missouri", "Saint Louis, MO"),
        ("Winston-Salem NC", "Winston Salem, NC"),
        ("Cañon City, CO", "Canon City, CO"),
        ("Washington, DC", "Washington, DC"),
        ("Washington DC", "Washington, DC"),
        ("Washington, District of Columbia", "Washington, DC"),
    ],
)
def test_city_and_state_with_or_without_a_comma_or_in_full(text: str, label: str) -> None:
    assert resolve_place(text).label == label


def test_a_zip_code_after_a_city_wins() -> None:
    assert resolve_place("Chicago, IL 60614").zip_code == "60614"


def test_a_bare_name_in_several_states_offers_them_largest_first() -> None:
    with pytest.raises(PlaceUnclear) as raised:
        resolve_place("Portland")
    problem = raised.value
    assert problem.reason is Unclear.SEVERAL
    labels = [choice.label for choice in problem.choices]
    assert labels[:2] == ["Portland, OR", "Portland, ME"]
    sizes = [choice.zip_codes for choice in problem.choices]
    assert sizes == sorted(sizes, reverse=True)
    assert len(labels) == MAX_CHOICES  # Portland is in more states than are offered
    assert 'type the state too, like "Portland, OR"' in str(problem)


def test_a_misspelt_name_is_never_guessed_but_offered() -> None:
    with pytest.raises(PlaceUnclear) as raised:
        resolve_place("Chicgo")
    assert raised.value.reason is Unclear.MISSPELT
    assert raised.value.choices[0].label == "Chicago, IL"
    assert "Did you mean Chicago, IL" in str(raised.value)


def test_a_misspelt_name_with_its_state_is_offered_within_the_state() -> None:
    with pytest.raises(PlaceUnclear) as raised:
        resolve_place("Chicgo, IL")
    assert [choice.label for choice in raised.value.choices] == ["Chicago, IL"]
    with pytest.raises(PlaceUnclear) as raised:
        resolve_place("Colombus oh")
    assert [choice.label for choice in raised.value.choices] == ["Columbus, OH"]


def test_a_misspelt_state_name_is_offered_not_guessed() -> None:
    with pytest.raises(PlaceUnclear) as raised:
        resolve_place("Chicago, Ilinois")
    assert [choice.label for choice in raised.value.choices] == ["Chicago, IL"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Illinois", 'Illinois is a state. Type a city in it too, like "Chicago, IL"'),
        ("TX", "Texas is a state"),
        (", IL", "Type a city before the state"),
        ("Qwxyz", "We don't know a city called Qwxyz. Check the spelling, add the state"),
        ("Chicago; drop table", "letters only"),
        ("60614-", "A ZIP code has 5 digits"),
    ],
)
def test_what_cannot_be_read_says_what_to_type(text: str, message: str) -> None:
    with pytest.raises(PlaceNotFound, match=message) as raised:
        resolve_place(text)
    assert not isinstance(raised.value, PlaceUnclear)


def test_messages_are_templates_for_translation() -> None:
    with pytest.raises(PlaceNotFound) as raised:
        resolve_place("00000")
    assert raised.value.template % raised.value.params == str(raised.value)
    assert "%(zip_code)s" in raised.value.template


def test_use_my_location_gives_the_nearest_zip_code() -> None:
    place = place_from_location(41.9227, -87.6533)  # Lincoln Park, Chicago
    assert place.zip_code is not None
    assert place.label.endswith("(Chicago, IL)")
    assert distance_miles(place.point, Point(41.9227, -87.6533)) < 2


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        (51.5, -0.12, "not near a US ZIP code"),  # London
        (0.0, -140.0, "not near a US ZIP code"),  # the Pacific
        (math.nan, -87.6, "cannot read"),
        (math.inf, -87.6, "cannot read"),
        (91.0, -87.6, "cannot read"),
        (41.9, -181.0, "cannot read"),
    ],
)
def test_a_location_we_cannot_use_says_so(latitude: float, longitude: float, message: str) -> None:
    with pytest.raises(PlaceNotFound, match=message):
        place_from_location(latitude, longitude)


# Property tests ------------------------------------------------------------------------------

# Every city name of every state, as (name as listed, state): the cities the rules must find.
CITIES = sorted((city.label_name, state) for states in _city_index().values() for state, city in states.items())
cities = st.sampled_from(CITIES)
spacing = st.sampled_from([" ", "  ", "\t"])


def _outcome(resolve: Callable[[], Place]) -> Place | PlaceNotFound:
    """The place found, or the refusal as a value (for tests that accept either)."""
    try:
        return resolve()
    except PlaceNotFound as problem:
        return problem


def _case(text: str, how: int) -> str:
    return [text, text.lower(), text.upper(), text.title()][how]


@settings(max_examples=200, deadline=None)
@given(city=cities, how=st.integers(0, 3), space=spacing, full_state=st.booleans(), comma=st.booleans())
def test_every_city_is_found_with_its_state_however_it_is_typed(
    city: tuple[str, str], how: int, space: str, full_state: bool, comma: bool
) -> None:
    name, state = city
    state_text = STATE_NAMES[state] if full_state else state
    text = _case(f"{name}{',' if comma else ''}{space}{state_text}", how)
    place = resolve_place(text)
    assert place.label == f"{name}, {state}"
    assert place.point == _city_index()[name_key(name)][state].center


@settings(max_examples=200, deadline=None)
@given(city=cities)
def test_a_bare_name_is_found_or_offered_never_guessed(city: tuple[str, str]) -> None:
    name, state = city
    states = _city_index()[name_key(name)]
    found = _outcome(lambda: resolve_place(name))
    named_state = _state_code(name)
    if named_state is not None and named_state not in states:  # "Indiana" is the state, not Indiana, PA
        assert isinstance(found, PlaceNotFound)
        return
    if named_state is not None:  # "New York": the city of that name in that state
        assert isinstance(found, Place)
        assert found.label == f"{name}, {named_state}"
        return
    if isinstance(found, PlaceUnclear):
        assert found.reason is Unclear.SEVERAL
        assert len(states) > 1
        assert 2 <= len(found.choices) <= MAX_CHOICES
        sizes = [choice.zip_codes for choice in found.choices]
        assert sizes == sorted(sizes, reverse=True)
        assert sizes[0] == max(city.zip_codes for city in states.values())
    else:
        assert isinstance(found, Place)
        assert list(states) == [state]
        assert found.label == f"{name}, {state}"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=100))
# The ZIP data names some firms' own ZIP codes "At&t" or "Wilkes Barre Pa S&Dc": never offered.
@example(text="Att, MA")
@example(text="Wilkes Barre Pa S Dc")
def test_any_text_is_a_place_or_a_message_and_every_choice_is_a_place(text: str) -> None:
    found = _outcome(lambda: resolve_place(text))
    if isinstance(found, PlaceNotFound):
        assert str(found)
    if isinstance(found, PlaceUnclear):
        assert 1 <= len(found.choices) <= MAX_CHOICES
        for choice in found.choices:
            assert isinstance(resolve_place(choice.label), Place)  # a choice always searches
    if isinstance(found, Place):
        assert -90 <= found.point.latitude <= 90


@settings(max_examples=200, deadline=None)
@given(city=cities, position=st.integers(0, 40), letter=st.sampled_from("aeiouxz"))
def test_a_name_with_one_slip_is_never_silently_replaced(city: tuple[str, str], position: int, letter: str) -> None:
    """A misspelling that is no place's name gives a message with near names or none, never a
    place: what was typed is not quietly swapped for something else."""
    name, state = city
    cut = position % len(name)
    slipped = name[:cut] + letter + name[cut + 1 :]
    if name_key(slipped) in _city_index():
        return  # the slip happens to be another place's name
    with pytest.raises(PlaceNotFound) as raised:
        resolve_place(f"{slipped}, {state}")
    if isinstance(raised.value, PlaceUnclear):
        assert len(raised.value.choices) <= MAX_SUGGESTIONS
        assert all(choice.label.endswith(f", {state}") for choice in raised.value.choices)


ZIP_AREAS = _delivery_areas_by_latitude()[1]


@settings(max_examples=200, deadline=None)
@given(
    area=st.sampled_from(ZIP_AREAS),
    north=st.floats(min_value=-0.05, max_value=0.05),
    east=st.floats(min_value=-0.05, max_value=0.05),
)
def test_use_my_location_picks_the_nearest_delivery_zip_code(
    area: tuple[str, Point], north: float, east: float
) -> None:
    _, point = area
    here = Point(point.latitude + north, point.longitude + east)
    place = place_from_location(here.latitude, here.longitude)
    found = distance_miles(here, place.point)
    assert found <= distance_miles(here, point) + 1e-9
    assert found <= MAX_LOCATION_TO_ZIP_MILES


@settings(max_examples=200, deadline=None)
@given(
    latitude=st.floats(allow_nan=True, allow_infinity=True), longitude=st.floats(allow_nan=True, allow_infinity=True)
)
def test_any_coordinates_give_a_place_or_a_message(latitude: float, longitude: float) -> None:
    found = _outcome(lambda: place_from_location(latitude, longitude))
    if isinstance(found, PlaceNotFound):
        assert str(found)
    else:
        assert found.zip_code is not None


def test_zip_codes_without_a_location_move_no_city() -> None:
    """The data set puts about fifty ZIP codes at 0, 0: none of them is a place, and none is
    averaged into a city (they moved Los Angeles by 70 miles)."""
    downtown_los_angeles = Point(34.05, -118.25)
    assert distance_miles(resolve_place("Los Angeles, CA").point, downtown_los_angeles) < 10
    assert distance_miles(resolve_place("Indianapolis").point, Point(39.77, -86.16)) < 10
    with pytest.raises(PlaceNotFound):
        resolve_place("77352")  # Livingston, TX: listed, but at 0, 0


@pytest.mark.parametrize(("text", "example"), [("Indiana", "Indianapolis, IN"), ("Michigan", "Detroit, MI")])
def test_a_state_named_alone_asks_for_a_city_even_where_a_town_has_its_name(text: str, example: str) -> None:
    with pytest.raises(PlaceNotFound) as refused:
        resolve_place(text)  # Indiana, PA and Michigan, ND exist: never chosen unasked
    assert example in str(refused.value)
