"""Every kind of page passes axe at moderate and above, on a phone and on a desktop: headings
in order, all content inside landmarks, scrolling boxes reachable by keyboard."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from caretime.directory.models import Clinic
from tests.browser.audit import violations
from tests.browser.pages import demo_clinic, public_pages, sign_in, signed_in_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region(transactional_db: None) -> Clinic:
    return demo_clinic()


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_moderate_or_worse_on_any_page(
    page: Any, live_server: Any, region: Clinic, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 812})
    found = {}
    for path in public_pages(region):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_moderate_or_worse_on_the_pages_of_a_signed_in_person(
    page: Any, live_server: Any, region: Clinic, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 812})
    sign_in(page, live_server.url)
    found = {}
    for path in signed_in_pages(region):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_refused_forms_are_as_accessible_as_fresh_ones(page: Any, live_server: Any, region: Clinic) -> None:
    page.goto(f"{live_server.url}/clinics/{region.pk}/")
    page.locator("summary", has_text="Your bar:").first.click()
    page.get_by_label("Minimum one-on-one minutes").first.fill("99")
    page.get_by_role("button", name="Use this bar").first.click()
    page.wait_for_url(re.compile(r"/your-bar/$"))
    assert violations(page) == []
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}&radius_miles=500")
    assert page.locator(".form-errors").is_visible()
    assert violations(page) == []


def test_headings_go_down_one_level_at_a_time(page: Any, live_server: Any, region: Clinic) -> None:
    """The outline a screen reader lists, on the pages with the deepest nesting."""
    for path in (
        f"/clinics/{region.pk}/",
        f"/clinics/{region.pk}/?discipline=pt",
        f"/clinics/{region.pk}/pt/visit-report/",
    ):
        page.goto(live_server.url + path)
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert levels[0] == 1, path
        assert all(after - before <= 1 for before, after in itertools.pairwise(levels)), (path, levels)
