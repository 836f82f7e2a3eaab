import pytest

from caretime.core.geo import Point, distance_miles
from caretime.core.places import PlaceNotFound, compass_direction, describe_location, resolve_place


def test_zip_code_resolves_to_its_centroid() -> None:
    place = resolve_place(" 60614 ")
    assert place.zip_code == "60614"
    assert place.label == "60614 (Chicago, IL)"
    assert distance_miles(place.point, Point(41.92, -87.65)) < 2


def test_zip_plus_four_is_accepted() -> None:
    assert resolve_place("60614-1234").zip_code == "60614"


def test_city_and_state_in_any_case() -> None:
    place = resolve_place("austin,  tx")
    assert place.label == "Austin, TX"
    assert distance_miles(place.point, Point(30.27, -97.74)) < 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a 5-digit ZIP code"),
        ("00000", "We don't know the ZIP code 00000"),
        ("123", "A ZIP code has 5 digits"),
        ("Austin, Nowhere", '"Nowhere" is not a US state'),
        ("Austin, QQ", '"QQ" is not a US state'),
        ("Gotham, NJ", "We don't know a city called Gotham in NJ"),
    ],
)
def test_unknown_places_say_what_to_type(text: str, message: str) -> None:
    with pytest.raises(PlaceNotFound, match=message):
        resolve_place(text)


def test_compass_direction() -> None:
    origin = Point(40.0, -100.0)
    assert compass_direction(origin, Point(40.5, -100.0)) == "north"
    assert compass_direction(origin, Point(40.0, -99.5)) == "east"
    assert compass_direction(origin, Point(39.6, -100.5)) == "south-west"


def test_place_description_names_distance_direction_county_and_zip() -> None:
    text = describe_location(Point(42.0451, -87.6877), "EVANSTON", "IL", "60201")
    assert "Evanston, IL" in text
    assert "Cook County" in text
    assert "60201" in text
