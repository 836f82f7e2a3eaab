"""The employer search, as a clinician looking for a job uses it: the one-on-one workplaces
near a place first, their figures as ranges, and an honest count of the clinics without any."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from caretime.directory.models import Clinic
from tests.answers import MILL_WORKPLACE, ONE_ON_ONE_WORKPLACE
from tests.factories import file_reports, make_clinic, publish

pytestmark = pytest.mark.django_db


def listed(page: str) -> list[str]:
    """The clinics listed with figures, in order."""
    return re.findall(r'<h3><a href="/clinics/\d+/">([^<]+)</a></h3>', page)


def search(client: Client, status: int = 200, **query: str) -> str:
    response = client.get(reverse("employers"), query)
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def two_workplaces(db: None, exact_figures: None) -> dict[str, Clinic]:
    """Near ZIP 60614: a patient mill and a one-on-one clinic, 5 reports each with an NPI on the
    roster, published (without noise: these tests are about ranking, not about the noise)."""
    clinics = {
        "mill": make_clinic("Mill PT", latitude=41.9220, longitude=-87.6530),
        "good": make_clinic("One On One PT", latitude=41.9300, longitude=-87.6600),
    }
    file_reports(clinics["mill"], MILL_WORKPLACE, 5)
    file_reports(clinics["good"], ONE_ON_ONE_WORKPLACE, 5)
    publish()
    return clinics


def test_without_a_query_only_the_form_shows(client: Client, db: None) -> None:
    page = search(client)
    assert '<label for="id_near">ZIP code or city</label>' in page
    assert '<option value="density" selected>Fewest patients per therapist</option>' in page
    assert "Lowest productivity quota" in page
    assert "Most recommended" in page
    assert "form-errors" not in page
    assert "published figures" not in page
    assert f"{reverse('methodology')}#what-clinicians-report" in page


def test_the_one_on_one_workplace_comes_before_the_mill(client: Client, two_workplaces: dict[str, Clinic]) -> None:
    page = search(client, near="60614", discipline="pt")
    assert listed(page) == ["One On One PT", "Mill PT"]
    assert "2 clinics with published figures" in page
    good = page.split("One On One PT</a>")[1].split("Mill PT</a>")[0]
    assert "Patients per therapist per hour: 1 patient on a typical hour" in good
    assert "Chicago, IL" in good
    assert re.search(r"\d+\.\d miles away", good)


def test_sorting_by_recommendation_keeps_the_good_workplace_first(
    client: Client, two_workplaces: dict[str, Clinic]
) -> None:
    page = search(client, near="60614", discipline="pt", sort="recommendation")
    assert listed(page) == ["One On One PT", "Mill PT"]
    assert '<option value="recommendation" selected>Most recommended</option>' in page


def test_each_figure_says_how_many_reported(client: Client, two_workplaces: dict[str, Clinic]) -> None:
    page = search(client, near="60614", discipline="pt")
    assert page.count("5 reports with an NPI on this clinic's roster") == 2


def test_a_clinic_with_four_reports_is_only_counted(client: Client, two_workplaces: dict[str, Clinic]) -> None:
    few = make_clinic("Four Reports PT", latitude=41.9250, longitude=-87.6550)
    file_reports(few, ONE_ON_ONE_WORKPLACE, 4)
    publish()
    page = search(client, near="60614", discipline="pt", radius_miles="10")
    assert listed(page) == ["One On One PT", "Mill PT"]
    assert "Four Reports PT" not in page
    assert (
        "1 other clinic of this therapy within 10 miles has no figures yet: "
        "not enough reports to show without risk to those who wrote them."
    ) in page


def test_a_clinic_beyond_the_radius_is_not_listed(client: Client, two_workplaces: dict[str, Clinic]) -> None:
    far = make_clinic("Rockford PT", latitude=42.2711, longitude=-89.0940, zip_code="61101", city="ROCKFORD")
    file_reports(far, ONE_ON_ONE_WORKPLACE, 5)
    publish()
    page = search(client, near="60614", discipline="pt", radius_miles="25")
    assert listed(page) == ["One On One PT", "Mill PT"]
    assert "Rockford PT" not in page
    assert "no figures yet" not in page
    assert "Rockford PT" in listed(search(client, near="60614", discipline="pt", radius_miles="100"))


def test_an_occupational_therapy_search_shows_no_physical_therapy_figures(client: Client, db: None) -> None:
    both = make_clinic("PT And OT", latitude=41.9220, longitude=-87.6530, disciplines=("pt", "ot"))
    ot = make_clinic("OT Works", latitude=41.9300, longitude=-87.6600, disciplines=("ot",))
    file_reports(both, ONE_ON_ONE_WORKPLACE, 5)
    file_reports(ot, MILL_WORKPLACE, 5, discipline="ot")
    publish()
    page = search(client, near="60614", discipline="ot")
    assert listed(page) == ["OT Works"]
    assert "1 other clinic of this therapy within 25 miles has no figures yet" in page
    assert listed(search(client, near="60614", discipline="pt")) == ["PT And OT"]


def test_demo_clinics_are_labelled(client: Client, db: None) -> None:
    demo = make_clinic("Demo PT", latitude=41.9220, longitude=-87.6530, is_demo=True)
    file_reports(demo, ONE_ON_ONE_WORKPLACE, 5)
    publish()
    page = search(client, near="60614", discipline="pt")
    assert listed(page) == ["Demo PT"]
    assert '<span class="tag demo">Demo clinic</span>' in page


def test_no_figures_nearby_is_said_plainly(client: Client, db: None) -> None:
    file_reports(make_clinic("Quiet PT", latitude=41.9220, longitude=-87.6530), MILL_WORKPLACE, 3)
    publish()
    page = search(client, near="60614", discipline="pt")
    assert listed(page) == []
    assert "The 1 clinic of this therapy within 25 miles has no figures yet" in page
    page = search(client, near="60614", discipline="slp")
    assert "We know no clinic of this therapy within 25 miles. Try a wider radius." in page


def test_an_unknown_place_is_refused_and_kept(client: Client, db: None) -> None:
    page = search(client, status=400, near="Nowhere, ZZ", discipline="pt")
    assert "&quot;ZZ&quot; is not a US state. Use its two letters, like TX, or its name, like Texas." in page
    assert 'value="Nowhere, ZZ"' in page
    assert 'aria-invalid="true"' in page
    assert '<a href="#id_near">ZIP code or city</a>' in page
    page = search(client, status=400, near="00000", discipline="pt")
    assert "We don&#x27;t know the ZIP code 00000." in page
    assert 'value="00000"' in page


def test_a_bad_sort_is_refused(client: Client, db: None) -> None:
    page = search(client, status=400, near="60614", discipline="pt", sort="rating")
    assert "Sort by fewest patients per therapist, by lowest productivity quota or by most recommended" in page
    assert 'value="60614"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"near": "60614", "discipline": "pt", "radius_miles": "500"}, "Choose a radius from 1 to 100 miles"),
        ({"near": "60614", "discipline": "pt", "radius_miles": "ten"}, "Choose a radius from 1 to 100 miles"),
        ({"near": "60614", "discipline": "dance"}, "Choose physical therapy, occupational therapy or"),
        ({"near": "", "discipline": "pt"}, "Type a 5-digit ZIP code or a city and state"),
    ],
)
def test_other_bad_queries_say_what_to_fix(client: Client, db: None, query: dict[str, str], message: str) -> None:
    assert message in search(client, status=400, **query)


def test_only_get_is_answered(client: Client, db: None) -> None:
    assert client.post(reverse("employers"), {"near": "60614"}).status_code == 405
