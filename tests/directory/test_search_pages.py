"""The home page, the results page and the clinic page, through real HTTP requests."""

from __future__ import annotations

import pytest
from django.test import Client

from caretime.directory.models import Clinic

pytestmark = pytest.mark.django_db


def test_home_page_offers_one_search_box_and_the_three_questions(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="near"' in html
    assert 'name="radius_miles"' in html
    assert 'name="discipline"' in html
    assert 'name="insurance"' in html
    assert "How much time do I get with the therapist?" in html


def test_results_are_nearest_first_with_distance_and_disciplines(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    response = client.get("/clinics/", {"near": "60614", "radius_miles": "25"})
    assert response.status_code == 200
    hits = response.context["results"].hits
    assert [hit.clinic.name for hit in hits] == ["Lincoln Park PT", "Loop Speech Center", "Evanston Rehab"]
    distances = [hit.distance_miles for hit in hits]
    assert distances == sorted(distances)
    html = response.content.decode()
    assert "3 clinics within 25 miles" in html
    assert "Physical therapy, Occupational therapy" in html
    assert f'href="/clinics/{chicago_clinics["near"].pk}/?near=60614&amp;radius_miles=25"' in html


def test_radius_excludes_clinics_beyond_it(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    # Evanston is about 9 miles from Lincoln Park; the Loop about 3.
    response = client.get("/clinics/", {"near": "60614", "radius_miles": "5"})
    names = [hit.clinic.name for hit in response.context["results"].hits]
    assert names == ["Lincoln Park PT", "Loop Speech Center"]


def test_city_and_state_search(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    response = client.get("/clinics/", {"near": "Evanston, IL", "radius_miles": "2"})
    assert response.status_code == 200
    assert [hit.clinic.name for hit in response.context["results"].hits] == ["Evanston Rehab"]
    assert "Clinics near Evanston, IL" in response.content.decode()


def test_discipline_and_insurance_filters(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    speech = client.get("/clinics/", {"near": "60614", "discipline": "slp"})
    assert [hit.clinic.name for hit in speech.context["results"].hits] == ["Loop Speech Center"]
    medicare_pt = client.get("/clinics/", {"near": "60614", "discipline": "pt", "insurance": "medicare"})
    assert [hit.clinic.name for hit in medicare_pt.context["results"].hits] == ["Lincoln Park PT", "Evanston Rehab"]


def test_inactive_clinics_are_not_found_by_search(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    Clinic.objects.filter(pk=chicago_clinics["near"].pk).update(is_active=False)
    response = client.get("/clinics/", {"near": "60614"})
    assert "Lincoln Park PT" not in [hit.clinic.name for hit in response.context["results"].hits]


def test_empty_results_suggest_a_wider_radius(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    response = client.get("/clinics/", {"near": "Elgin, IL", "radius_miles": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No clinics within 10 miles of Elgin, IL" in html
    assert "Search within 100 miles: 3 clinics there" in html
    assert "radius_miles=100" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "99999"}, "We don&#x27;t know the ZIP code 99999"),
        ({"near": "1234"}, "A ZIP code has 5 digits"),
        ({"near": "Springfield"}, "More than one state has a place called Springfield"),
        ({"near": "Austin, XX"}, "is not a US state"),
        ({"near": "Atlantis, TX"}, "We don&#x27;t know a place called Atlantis, TX"),
        ({"near": ""}, "This field is required"),
        ({"near": "60614", "radius_miles": "0"}, "Choose a radius from 1 to 100 miles"),
        ({"near": "60614", "radius_miles": "101"}, "Choose a radius from 1 to 100 miles"),
        ({"near": "60614", "radius_miles": "ten"}, "The radius is a whole number of miles"),
        ({"near": "60614", "discipline": "massage"}, "Choose physical, occupational or speech therapy"),
        ({"near": "60614", "insurance": "acme"}, "We don&#x27;t know that insurance plan"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_keeps_what_was_typed(
    client: Client, params: dict[str, str], message: str
) -> None:
    response = client.get("/clinics/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Please fix your search" in html
    # What the person typed stays in the form, so they only fix the one field.
    if params["near"]:
        assert f'value="{params["near"]}"' in html
    if "radius_miles" in params:
        assert f'value="{params["radius_miles"]}"' in html


def test_a_bad_page_number_is_a_400(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    response = client.get("/clinics/", {"near": "60614", "page": "zero"})
    assert response.status_code == 400
    assert "That page of results does not exist" in response.content.decode()


def test_results_are_paginated(client: Client, db: None) -> None:
    from tests.factories import make_clinic

    for index in range(23):
        make_clinic(f"Clinic {index:02d}", latitude=41.92 + index * 0.001, longitude=-87.65)
    first = client.get("/clinics/", {"near": "60614"})
    second = client.get("/clinics/", {"near": "60614", "page": "2"})
    assert len(first.context["results"].hits) == 20
    assert len(second.context["results"].hits) == 3
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    assert not {h.clinic.pk for h in first.context["results"].hits} & {
        h.clinic.pk for h in second.context["results"].hits
    }


def test_clinic_page_shows_address_phone_disciplines_insurance_and_place(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    clinic = chicago_clinics["near"]
    response = client.get(f"/clinics/{clinic.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lincoln Park PT" in html
    assert "1 Test St" in html
    assert "Chicago, IL 60614" in html
    assert "(312) 555-0100" in html
    assert "Physical therapy" in html
    assert "Occupational therapy" in html
    assert "Medicare" in html
    assert "Aetna" in html
    assert "miles north of the center of Chicago, IL, in Cook County" in html
    assert "1234567893" in html


def test_unknown_clinic_is_a_404_page(client: Client, db: None) -> None:
    response = client.get("/clinics/999999/")
    assert response.status_code == 404
    assert "couldn" in response.content.decode()


def test_list_and_profile_pages_use_a_fixed_number_of_queries(
    client: Client, chicago_clinics: dict[str, Clinic], django_assert_max_num_queries: object
) -> None:
    from caretime.directory.geo_index import geo_index
    from caretime.shared.evidence_generation import EVIDENCE
    from tests.factories import make_clinic

    for index in range(15):
        make_clinic(f"Extra {index}", latitude=41.90, longitude=-87.64, insurance=("medicare", "cigna"))
    geo_index()  # the process's index of the directory, built once per change of the directory
    EVIDENCE.current()  # the evidence's generation, which every process reads once a second
    # One query per evidence source (calls, visits, worker figures, billing, the clinic's
    # statements) and one for the
    # Care Time sums, whatever the number of clinics.
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        listing = client.get("/clinics/", {"near": "60614"})
    assert listing.status_code == 200
    assert "18 clinics within 25 miles" in listing.content.decode()
    assert listing.content.decode().count('class="result"') == 18
    # A clinic asked for the first time: the evidence's generation and the kept care times in
    # the shared cache (missed, then written: four statements on the cache table); one read per
    # evidence source (calls, visits, worker figures with the figures shown, billing, the
    # clinic's statements), the answers stated on calls and the visits held for review; the
    # clinic's reviews and a freeze after a burst, who speaks for it, its billing figures and the
    # data releases they come from. (The Care Time sums came with the search.)
    with django_assert_max_num_queries(19):  # type: ignore[operator]
        profile = client.get(f"/clinics/{chicago_clinics['near'].pk}/")
    assert profile.status_code == 200
    html = profile.content.decode()
    assert "Lincoln Park PT" in html
    assert "What Medicare billing shows" in html
    assert '<p class="answer-for">Physical therapy</p>' in html  # the verdict for the therapy, first


def test_a_search_without_a_radius_shows_the_default_radius_it_used(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    html = client.get("/clinics/", {"near": "60614"}).content.decode()
    assert 'name="radius_miles" value="25"' in html
    assert "within 25 miles" in html
