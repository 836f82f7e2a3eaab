"""A new visitor finds a clinic in a real browser, and the pages pass an accessibility audit."""

from __future__ import annotations

import re
from typing import Any

import pytest

from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_region(transactional_db: None) -> Clinic:
    build_demo_region(seed=1, clinics=40)
    clinic = Clinic.objects.filter(city__iexact="chicago").order_by("id").first()
    assert clinic is not None
    return clinic


def test_search_a_demo_zip_open_a_clinic_and_come_back(page: Any, live_server: Any, demo_region: Clinic) -> None:
    page.goto(live_server.url + "/")
    assert "Demo data" in page.locator(".demo-banner").inner_text()
    page.get_by_label("ZIP code or city").fill(demo_region.zip_code)
    page.get_by_label("Therapy").select_option(demo_region.disciplines[0])
    page.get_by_role("button", name="Find clinics").click()
    page.wait_for_url(re.compile(r"/clinics/\?"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Clinics near " + demo_region.zip_code)
    results = page.locator("ol.results > li")
    assert results.count() >= 1
    first_name = results.first.locator("h2").inner_text()
    results_url = page.url

    results.first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/clinics/\d+/\?near=[^&]+&radius_miles=\d+&discipline=\w+$"))
    assert page.get_by_role("heading", level=1).inner_text() == first_name
    assert page.get_by_text("Therapy offered").is_visible()

    page.go_back()
    page.wait_for_url(results_url)
    assert page.locator("ol.results > li").first.locator("h2").inner_text() == first_name


def test_a_bad_zip_shows_the_message_and_keeps_the_input(page: Any, live_server: Any, demo_region: Clinic) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("ZIP code or city").fill("99999")
    page.get_by_role("button", name="Find clinics").click()
    assert "We don't know the ZIP code 99999" in page.locator(".form-errors").inner_text()
    assert page.get_by_label("ZIP code or city").input_value() == "99999"


def test_keyboard_alone_can_search(page: Any, live_server: Any, demo_region: Clinic) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("ZIP code or city").focus()
    page.keyboard.type(demo_region.zip_code)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clinics/\?"))
    assert page.locator("ol.results > li").count() >= 1


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_moderate_serious_or_critical_violation(
    page: Any, live_server: Any, demo_region: Clinic, width: int
) -> None:
    """Moderate violations fail too (tests/browser/test_accessibility.py audits every page type)."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    for path in ["/", f"/clinics/?near={demo_region.zip_code}", f"/clinics/{demo_region.pk}/", "/clinics/?near=99999"]:
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        serious = [
            (v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in {"moderate", "serious", "critical"}
        ]
        assert serious == [], f"{path}: {serious}"


def test_readable_at_200_percent_zoom_without_horizontal_scrolling(
    page: Any, live_server: Any, demo_region: Clinic
) -> None:
    # 200 % zoom of a 1280-pixel window lays the page out in 640 CSS pixels.
    page.set_viewport_size({"width": 640, "height": 800})
    for path in ["/", f"/clinics/?near={demo_region.zip_code}", f"/clinics/{demo_region.pk}/"]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
