"""Place search that forgives, in Chromium against a live server with the demo region: a city
typed as people type it, "did you mean" chosen with the keyboard, a choice of states, "Use my
location", an out-of-area search that names the covered areas, and a page past the last."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from caretime.directory.demo import build_demo_region
from caretime.directory.insurance import CURATED_PLANS
from caretime.directory.models import InsurancePlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = re.compile(r"/clinics/\?")


@pytest.fixture
def demo_region(transactional_db: None) -> None:
    cache.clear()
    # A transactional test empties every table afterwards, the curated plans of the data
    # migration too; the search form lists them, so put them back first.
    for slug, name in CURATED_PLANS:
        InsurancePlan.objects.update_or_create(slug=slug, defaults={"name": name, "is_curated": True})
    build_demo_region(seed=1, clinics=40)


def search_for(page: Any, live_server: Any, text: str) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("ZIP code or city").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_url(RESULTS)


def test_chicago_il_without_a_comma_finds_chicago(page: Any, live_server: Any, demo_region: None) -> None:
    search_for(page, live_server, "chicago il")
    assert page.get_by_role("heading", level=1).inner_text() == "Clinics near Chicago, IL"
    assert page.locator("ol.results > li").count() >= 1


def test_a_misspelt_city_offers_chicago_chosen_with_the_keyboard(
    page: Any, live_server: Any, demo_region: None
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Therapy").select_option("pt")
    page.get_by_label("ZIP code or city").fill("Chicgo")
    page.keyboard.press("Enter")
    page.wait_for_url(RESULTS)
    assert "Did you mean one of the places below?" in page.locator(".form-errors").inner_text()
    # From the box, the next Tab reaches the first suggestion; Enter follows it.
    page.get_by_label("ZIP code or city").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Chicago, IL"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"near=Chicago%2C\+IL"))
    assert page.get_by_role("heading", level=1).inner_text() == "Clinics near Chicago, IL"
    assert page.locator("ol.results > li").count() >= 1
    assert page.locator("#id_discipline").input_value() == "pt"  # the other input was kept


def test_a_bare_portland_offers_a_choice_of_states(page: Any, live_server: Any, demo_region: None) -> None:
    search_for(page, live_server, "Portland")
    choices = page.get_by_role("navigation", name="Search near:").get_by_role("link")
    labels = choices.all_inner_texts()
    assert labels[:2] == ["Portland, OR", "Portland, ME"]
    assert len(labels) > 2
    choices.first.click()
    page.wait_for_url(RESULTS)
    assert page.get_by_role("heading", level=1).inner_text() == "Clinics near Portland, OR"
    assert page.locator("ol.results > li").count() >= 1


def test_an_out_of_area_search_names_the_covered_areas(page: Any, live_server: Any, demo_region: None) -> None:
    search_for(page, live_server, "10001")
    empty = page.locator(".empty")
    assert "our data does not cover this area yet" in empty.inner_text()
    areas = empty.get_by_role("list").get_by_role("link").all_inner_texts()
    assert sorted(areas) == ["Austin, TX", "Chicago, IL", "Columbus, OH", "Portland, OR"]
    assert empty.get_by_role("link", name=re.compile("Search within 100 miles")).count() == 0
    empty.get_by_role("link", name="Columbus, OH").click()
    page.wait_for_url(RESULTS)
    assert page.locator("ol.results > li").count() >= 1


def test_a_page_past_the_last_leads_to_the_last(page: Any, live_server: Any, demo_region: None) -> None:
    response = page.goto(live_server.url + "/clinics/?near=Chicago%2C+IL&page=99")
    assert response.status == 404
    assert "That page of results does not exist" in page.locator(".form-errors").inner_text()
    page.get_by_role("link", name="Go to the last page").click()
    page.wait_for_url(re.compile(r"page=\d+$"))
    assert page.locator("ol.results > li").count() >= 1


@pytest.fixture
def located_page(browser: Any) -> Iterator[Any]:
    """A page whose browser says it is in Lincoln Park, Chicago, and may say so."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        geolocation={"latitude": 41.9227, "longitude": -87.6533},
        permissions=["geolocation"],
    )
    yield context.new_page()
    context.close()


def test_use_my_location_searches_from_the_nearest_zip_code(
    located_page: Any, live_server: Any, demo_region: None
) -> None:
    page = located_page
    page.goto(live_server.url + "/")
    page.get_by_label("Therapy").select_option("pt")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(RESULTS)
    assert page.get_by_role("heading", level=1).inner_text() == "Clinics near 60614 (Chicago, IL)"
    assert "41.92" not in page.url  # the coordinates never reach an address
    assert "discipline=pt" in page.url
    page.go_back()
    page.wait_for_url(live_server.url + "/")
    # Back on the form, a typed search is still a plain GET search.
    page.get_by_label("ZIP code or city").fill("60601")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clinics/\?near=60601"))


def test_without_javascript_there_is_no_location_button(browser: Any, live_server: Any, demo_region: None) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.get_by_role("button", name="Find clinics").is_visible()
    assert page.get_by_role("button", name="Use my location").count() == 0
    context.close()


def test_axe_finds_nothing_moderate_or_worse_in_choices_and_covered_areas(
    page: Any, live_server: Any, demo_region: None
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for path in ["/clinics/?near=Portland", "/clinics/?near=Chicgo", "/clinics/?near=10001"]:
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        found = [(v["id"], v["impact"]) for v in violations if v["impact"] in {"moderate", "serious", "critical"}]
        assert found == [], f"{path}: {found}"
