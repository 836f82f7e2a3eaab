"""The results page and compare, as a person uses them: the bar as one chip, one filter, a
compact card that says what to do once, and compare that keeps the search it came from."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from caretime.directory.models import Clinic
from tests.answers import ONE_ON_ONE
from tests.factories import add_call, make_clinic

pytestmark = pytest.mark.django_db

NEXT_STEP_UNKNOWN = "Call and ask the three questions, with our script."


def hidden_fields(page: str, form_id: str) -> dict[str, str]:
    (form,) = re.findall(rf'<form id="{form_id}".*?</form>', page, re.S)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


@pytest.fixture
def two(db: None) -> tuple[Clinic, Clinic]:
    near = make_clinic("Near PT", latitude=41.9227, longitude=-87.6533, disciplines=("pt", "ot", "slp"))
    far = make_clinic("Far PT", latitude=41.9000, longitude=-87.6300)
    add_call(far, ONE_ON_ONE)
    return near, far


def test_the_bar_is_one_chip_that_says_it(client: Client, two: tuple[Clinic, Clinic]) -> None:
    page = client.get(reverse("clinic-search"), {"near": "60614"}).content.decode()
    assert "Your bar: 45 minutes one-on-one, every visit" in page
    client.post(reverse("set-bar"), {"min_minutes": "35", "every_visit": "no", "next": "/"})
    page = client.get(reverse("clinic-search"), {"near": "60614"}).content.decode()
    assert "Your bar: 35 minutes one-on-one<" in page
    # The same chip on the clinic page.
    clinic_page = client.get(reverse("clinic-detail", args=[two[0].pk])).content.decode()
    assert "Your bar: 35 minutes one-on-one<" in clinic_page


def test_three_therapies_nobody_reported_say_what_to_do_once(client: Client, two: tuple[Clinic, Clinic]) -> None:
    page = client.get(reverse("clinic-search"), {"near": "60614"}).content.decode()
    near = next(card for card in page.split('<li class="result">')[1:] if ">Near PT<" in card)
    assert near.count(NEXT_STEP_UNKNOWN) == 1
    assert near.count("Unknown: ask before you book") == 1
    assert "All therapies:" in near


def test_the_filter_and_compare_keep_the_search(client: Client, two: tuple[Clinic, Clinic]) -> None:
    query = {"near": "60614", "radius_miles": "30", "discipline": "pt", "sort": "verdict", "page": "1"}
    page = client.get(reverse("clinic-search"), query).content.decode()
    assert hidden_fields(page, "compare-form") == {"near": "60614", "radius_miles": "30", "discipline": "pt"}
    (only,) = re.findall(r'<form method="get" action="" class="only-filter">.*?</form>', page, re.S)
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', only))
    assert kept == {"near": "60614", "radius_miles": "30", "discipline": "pt"}  # no old sort, no page
    assert 'name="meets_bar" value="1"' in only
    # Links to a clinic carry the search on.
    assert f'href="/clinics/{two[1].pk}/?near=60614&amp;radius_miles=30&amp;discipline=pt"' in page


def test_compare_with_one_clinic_says_tick_two_to_four_and_links_back(
    client: Client, two: tuple[Clinic, Clinic]
) -> None:
    context = {"near": "60614", "radius_miles": "30", "discipline": "pt"}
    response = client.get(reverse("compare"), {"clinic": [str(two[0].pk)], **context})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick 2 to 4 clinics to compare." in page
    (back,) = re.findall(r'<a href="([^"]+)">Back to your search</a>', page)
    assert unescape(back) == "/clinics/?near=60614&radius_miles=30&discipline=pt"
    assert client.get(unescape(back)).status_code == 200


def test_compare_from_nowhere_links_to_a_search(client: Client, db: None) -> None:
    response = client.get(reverse("compare"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick 2 to 4 clinics to compare." in page
    assert '<a href="/">Search for clinics</a>' in page


def test_compare_keeps_the_search_in_its_links(client: Client, two: tuple[Clinic, Clinic]) -> None:
    context = {"near": "60614", "radius_miles": "30", "discipline": "pt"}
    response = client.get(reverse("compare"), {"clinic": [str(c.pk) for c in two], **context})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="/clinics/?near=60614&amp;radius_miles=30&amp;discipline=pt">Back to your search</a>' in page
    assert f'href="/clinics/{two[0].pk}/?near=60614&amp;radius_miles=30&amp;discipline=pt"' in page
