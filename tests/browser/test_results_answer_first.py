"""The search results on a phone, answer first: a clinic that meets the person's bar comes
first, the first two cards fit the first screen, the bar is one chip, and compare explains
itself and leads back to the search."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Q
from django.utils.text import slugify

from caretime.directory.models import InsurancePlan
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


PLANS = [
    "Medicare",
    "Medicaid",
    "Blue Cross Blue Shield of Illinois",
    "UnitedHealthcare",
    "Aetna",
    "Cigna",
    "Humana",
    "Tricare",
    "Workers' compensation",
    "Molina Healthcare",
    "Meridian Health Plan",
    "Oscar Health",
]


class Region:
    """Six clinics around 60614 named and insured as real ones are (long names, long lists of
    plans, three therapies): the nearest a mill, the farthest the one that meets the default
    bar, the others unknown."""

    zip_code = "60614"

    def __init__(self) -> None:
        plans = [_plan(name) for name in PLANS]
        places = [(41.9230, -87.6530), (41.9200, -87.6500), (41.9150, -87.6450), (41.9100, -87.6400)]
        places += [(41.9050, -87.6350), (41.8950, -87.6300)]
        clinics = [
            make_clinic(
                f"Northside Physical, Occupational and Speech Therapy Center {index}",
                latitude=latitude,
                longitude=longitude,
                disciplines=("pt", "ot", "slp"),
            )
            for index, (latitude, longitude) in enumerate(places)
        ]
        for clinic in clinics:
            clinic.insurance_plans.set(plans)
        self.mill, self.good = clinics[0], clinics[-1]
        add_call(self.mill, MILL)
        add_call(self.good, ONE_ON_ONE)


def _plan(name: str) -> InsurancePlan:
    found = InsurancePlan.objects.filter(Q(slug=slugify(name)) | Q(name=name)).first()
    return found or InsurancePlan.objects.create(name=name, slug=slugify(name))


@pytest.fixture
def region(transactional_db: None) -> Region:
    return Region()


def _cards(page: Any) -> Any:
    return page.locator("ol.results > li")


def _no_sideways_scrolling(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_clinic_that_meets_the_bar_comes_first(page: Any, live_server: Any, region: Region) -> None:
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}&discipline=pt")
    first = _cards(page).first
    assert first.locator("h2").inner_text() == region.good.name
    assert "Good: meets your bar" in first.inner_text()
    # Then the rest, nearest first, the mill among them.
    names = [name.strip() for name in _cards(page).locator("h2").all_inner_texts()]
    assert names.index(region.mill.name) <= 2
    assert "Avoid: signs of a patient mill" in _cards(page).nth(names.index(region.mill.name)).inner_text()
    # Only the clinics that meet the bar, when asked.
    page.get_by_label("Only clinics that meet my bar").check()
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"meets_bar=1"))
    assert [name.strip() for name in _cards(page).locator("h2").all_inner_texts()] == [region.good.name]
    assert page.get_by_label("Only clinics that meet my bar").is_checked()


@pytest.mark.parametrize("language", ["", "/es"], ids=["en", "es"])
@pytest.mark.parametrize("query", ["discipline=pt", "discipline=", "discipline=pt&meets_bar=1"])
def test_on_a_phone_the_first_two_cards_fit_the_first_screen(
    page: Any, live_server: Any, region: Region, query: str, language: str
) -> None:
    if "meets_bar" in query:
        # Three calls of one-on-one care outweigh the mill's one: a second clinic to list.
        for _ in range(3):
            add_call(region.mill, ONE_ON_ONE)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{language}/clinics/?near={region.zip_code}&{query}")
    assert _cards(page).count() >= 2
    box = _cards(page).nth(1).bounding_box()
    assert box is not None
    bottom = box["y"] + box["height"]
    assert bottom <= PHONE["height"], f"the second card ends at {bottom:.0f} px"
    assert _no_sideways_scrolling(page)
    # What each card says: its verdict, how far, the phone to call, one next step.
    first = _cards(page).first
    assert first.locator(".verdict").first.is_visible()
    assert first.locator(".distance").is_visible()
    assert first.locator(".card-reach a[href^='tel:']").is_visible()
    assert first.locator(".next-step").is_visible()
    # Therapies and insurance wait behind a disclosure.
    assert not first.locator(".insurance").is_visible()
    first.locator("details summary").click()
    assert first.locator(".insurance").is_visible()


def test_the_bar_is_one_chip_that_opens_to_change_it(page: Any, live_server: Any, region: Region) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}&discipline=pt")
    chip = page.locator("summary", has_text="Your bar: 45 minutes one-on-one, every visit")
    assert chip.is_visible()
    assert not page.get_by_label("Minimum one-on-one minutes").is_visible()
    chip.click()
    page.get_by_label("Minimum one-on-one minutes").fill("60")
    page.get_by_role("button", name="Use this bar").click()
    page.wait_for_url(re.compile(r"/clinics/\?near="))
    assert page.locator("summary", has_text="Your bar: 60 minutes one-on-one, every visit").is_visible()
    # One call of one-on-one time says nothing of 60 minutes: no clinic meets this bar.
    assert "None meets your bar yet" in page.locator(".result-count").inner_text()


def test_compare_with_one_clinic_explains_and_links_back(page: Any, live_server: Any, region: Region) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}&discipline=pt&radius_miles=30")
    results_url = page.url
    _cards(page).first.get_by_role("checkbox", name=re.compile("Compare")).check()
    page.get_by_role("button", name="Compare the clinics you ticked").click()
    page.wait_for_url(re.compile(r"/compare/"))
    assert "Tick 2 to 4 clinics to compare." in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Back to your search").click()
    page.wait_for_url(re.compile(r"/clinics/\?"))
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(results_url).query)
    assert _cards(page).first.locator("h2").inner_text() == region.good.name


@pytest.mark.parametrize("language", ["", "/es"], ids=["en", "es"])
def test_on_a_phone_the_home_page_search_button_is_on_the_first_screen(
    page: Any, live_server: Any, language: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{language}/")
    button = page.locator("form.search-form button[type=submit]").bounding_box()
    assert button is not None
    assert button["y"] + button["height"] <= PHONE["height"], (
        f"the button ends at {button['y'] + button['height']:.0f} px"
    )
    assert _no_sideways_scrolling(page)
