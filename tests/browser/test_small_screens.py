"""Every kind of page fits a 320 and a 375 px wide phone: nothing runs past the right edge,
so nothing needs sideways scrolling, and every tap target is at least 24 x 24 px (WCAG 2.2,
2.5.8), radio buttons and checkboxes included."""

from __future__ import annotations

from typing import Any

import pytest

from caretime.directory.models import Clinic
from tests.browser.layout import layout_problems
from tests.browser.pages import demo_clinic, public_pages, sign_in, signed_in_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = [{"width": 320, "height": 640}, {"width": 375, "height": 812}]


@pytest.fixture
def region(transactional_db: None) -> Clinic:
    return demo_clinic()


def _walk(page: Any, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for phone in PHONES:
        page.set_viewport_size(phone)
        for path in paths:
            page.goto(base_url + path)
            if problems := layout_problems(page):
                found[f"{phone['width']} px {path}"] = problems
    return found


def test_every_page_fits_a_small_phone(page: Any, live_server: Any, region: Clinic) -> None:
    assert _walk(page, live_server.url, public_pages(region)) == {}


def test_every_page_of_a_signed_in_person_fits_a_small_phone(page: Any, live_server: Any, region: Clinic) -> None:
    sign_in(page, live_server.url)
    assert _walk(page, live_server.url, signed_in_pages(region)) == {}
