"""Place search that forgives and says where the data is, through real HTTP requests: the
search form, "Use my location", the covered areas, pages past the last, and the API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from caretime.directory.coverage import covered_areas
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic
from caretime.directory.search_cache import directory_changed
from tests.api import assert_error
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def test_chicago_il_without_a_comma_is_found(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    response = client.get("/clinics/", {"near": "chicago il"})
    assert response.status_code == 200
    assert response.context["place"].label == "Chicago, IL"
    assert len(response.context["results"].hits) == 3


def test_a_misspelt_city_offers_links_that_keep_the_other_inputs(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    response = client.get("/clinics/", {"near": "Chicgo", "radius_miles": "10", "discipline": "pt", "page": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We don&#x27;t know a place called Chicgo. Did you mean one of the places below?" in html
    assert 'value="Chicgo"' in html  # what was typed stays in the box
    first = response.context["form"].place_links[0]
    assert first.label == "Chicago, IL"
    assert parse_qs(first.query) == {"near": ["Chicago, IL"], "radius_miles": ["10"], "discipline": ["pt"]}
    assert f'href="/clinics/?{first.query}"'.replace("&", "&amp;") in html
    chosen = client.get(f"/clinics/?{first.query}")
    assert chosen.status_code == 200
    assert chosen.context["place"].label == "Chicago, IL"


def test_a_bare_name_in_several_states_offers_the_states(client: Client, db: None) -> None:
    response = client.get("/clinics/", {"near": "Portland"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "More than one state has a place called Portland. Choose one below" in html
    labels = [link.label for link in response.context["form"].place_links]
    assert labels[:2] == ["Portland, OR", "Portland, ME"]
    assert ">Portland, OR</a>" in html


def test_the_employer_search_names_the_choices_in_its_message(client: Client, db: None) -> None:
    html = client.get("/employers/", {"near": "Portland", "discipline": "pt"}).content.decode()
    assert "More than one state has a place called Portland: Portland, OR; Portland, ME;" in html


def test_a_search_far_from_every_clinic_names_the_covered_areas(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    response = client.get("/clinics/", {"near": "10001", "discipline": "pt"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "We have no clinics within 100 miles of 10001 (New York, NY)" in html
    assert "Clinics are listed in these areas so far:" in html
    assert 'href="?near=Chicago%2C%20IL&amp;radius_miles=25&amp;discipline=pt&amp;insurance="' in html
    assert "(3 clinics)" in html  # Lincoln Park, the Loop and Evanston are one area
    assert "Search within 100 miles" not in html


def test_a_search_near_clinics_offers_the_wider_radius_with_its_count(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    html = client.get("/clinics/", {"near": "Elgin, IL", "radius_miles": "10"}).content.decode()
    assert "Search within 100 miles: 3 clinics there" in html
    assert "our data does not cover" not in html


def test_filters_that_match_nothing_nearby_say_so(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    html = client.get("/clinics/", {"near": "60614", "radius_miles": "100", "insurance": "cigna"}).content.decode()
    assert "No clinics with these filters within 100 miles of 60614 (Chicago, IL)." in html
    assert "There are clinics within 100 miles, but none with these filters." in html


def test_the_demo_covers_four_metros(db: None) -> None:
    build_demo_region(seed=1, clinics=40)
    labels = {area.label for area in covered_areas()}
    assert labels == {"Chicago, IL", "Austin, TX", "Columbus, OH", "Portland, OR"}


def test_covered_areas_follow_changes_to_the_directory(chicago_clinics: dict[str, Clinic]) -> None:
    assert [area.label for area in covered_areas()] == ["Chicago, IL"]
    make_clinic("Downtown Austin PT", latitude=30.27, longitude=-97.74, zip_code="78701", city="AUSTIN", state="TX")
    directory_changed()
    assert [area.label for area in covered_areas()] == ["Chicago, IL", "Austin, TX"]


def test_a_page_past_the_last_is_a_404_that_links_to_the_last(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    response = client.get("/clinics/", {"near": "60614", "page": "99"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "That page of results does not exist: there is 1 page." in html
    assert 'href="?near=60614&amp;page=1"' in html
    assert "Page 99" not in html
    assert client.get("/clinics/", {"near": "10001", "page": "1"}).status_code == 200  # empty, yet page 1


def test_use_my_location_searches_from_the_nearest_zip_code(db: None) -> None:
    client = Client(enforce_csrf_checks=True)  # the search form has no token: none is needed
    response = client.post(
        "/clinics/near-me/",
        {"latitude": "41.9227", "longitude": "-87.6533", "radius_miles": "10", "discipline": "pt", "near": ""},
    )
    assert response.status_code == 303
    location = urlsplit(response["Location"])
    assert location.path == "/clinics/"
    assert parse_qs(location.query) == {"near": ["60614"], "radius_miles": ["10"], "discipline": ["pt"]}
    # The coordinates go no further than this request: not into the address, which is logged.
    assert "41.92" not in response["Location"]
    assert "87.65" not in response["Location"]
    assert not client.cookies  # nor into a session


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"latitude": "51.5", "longitude": "-0.12"}, "Your location is not near a US ZIP code we know."),
        ({"latitude": "north", "longitude": "-87.6"}, "Your browser sent a location we cannot read."),
        ({"latitude": "NaN", "longitude": "-87.6"}, "Your browser sent a location we cannot read."),
        ({"longitude": "-87.6"}, "Your browser sent a location we cannot read."),
    ],
)
def test_a_location_that_cannot_be_used_says_what_to_do(client: Client, data: dict[str, str], message: str) -> None:
    response = client.post("/clinics/near-me/", {**data, "discipline": "ot"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert '<option value="ot" selected>' in html  # the other inputs are kept


def test_use_my_location_is_a_post_only(client: Client, db: None) -> None:
    assert client.get("/clinics/near-me/", {"latitude": "41.9", "longitude": "-87.6"}).status_code == 405


def test_the_location_button_needs_the_script_and_the_browser_may_ask(client: Client, db: None) -> None:
    response = client.get("/")
    html = response.content.decode()
    # The button sits in a <template>: without JavaScript it is never shown.
    template = html[html.index('<template id="use-location">') : html.index("</template>")]
    assert "Use my location" in template
    assert 'src="/static/directory/locate.js"' in html
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


# The API --------------------------------------------------------------------------------------


def test_api_reads_places_as_the_form_does(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    response = client.get("/api/v1/clinics", {"near": "chicago il"})
    assert response.status_code == 200
    assert response.json()["near"] == "Chicago, IL"
    assert response.json()["total"] == 3


def test_api_answers_an_ambiguous_place_with_its_candidates(client: Client, db: None) -> None:
    response = client.get("/api/v1/clinics", {"near": "Portland"})
    assert_error(response, 400, "ambiguous_place", "More than one state has a place called Portland", {"near"})
    candidates = response.json()["error"]["candidates"]
    assert [c["near"] for c in candidates[:2]] == ["Portland, OR", "Portland, ME"]
    assert candidates[0]["zip_codes"] >= candidates[1]["zip_codes"]


def test_api_answers_a_misspelt_place_with_suggestions(client: Client, db: None) -> None:
    response = client.get("/api/v1/clinics", {"near": "Chicgo, IL"})
    assert_error(response, 400, "unknown_place", "Did you mean Chicago, IL?", {"near"})
    assert [c["near"] for c in response.json()["error"]["candidates"]] == ["Chicago, IL"]
    nothing = client.get("/api/v1/clinics", {"near": "Qwxyz"})
    assert_error(nothing, 400, "unknown_place", "We don't know a city called Qwxyz", {"near"})
    assert nothing.json()["error"]["candidates"] == []


def test_api_alternatives_read_places_the_same_way(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    response = client.get(f"/api/v1/clinics/{clinic.pk}/alternatives", {"discipline": "pt", "near": "Portland"})
    assert_error(response, 400, "ambiguous_place", "Portland", {"near"})


def test_api_page_past_the_last_is_a_404(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    assert client.get("/api/v1/clinics", {"near": "60614", "page": "1"}).status_code == 200
    assert_error(client.get("/api/v1/clinics", {"near": "60614", "page": "2"}), 404, "not_found", "the last page is 1")


# The docs --------------------------------------------------------------------------------------


def test_the_methodology_page_states_the_numbers_the_place_search_uses() -> None:
    from pathlib import Path

    from caretime.core import places
    from caretime.directory import coverage

    page = " ".join((Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text().split())
    assert f"at most {places.MAX_CHOICES}; type the state" in page
    assert f"ratio of {places.SUGGESTION_MIN_SCORE} or more out of 100" in page
    assert f"up to {places.MAX_SUGGESTIONS} are offered" in page
    assert f"within {places.MAX_LOCATION_TO_ZIP_MILES:.0f} miles, else" in page
    assert f"within {coverage.AREA_RADIUS_MILES:.0f} miles" in page
    assert f"more than {coverage.MAX_AREAS} such areas" in page
    assert "largest first by the number of ZIP codes that list the name" in page
