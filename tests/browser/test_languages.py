"""In a real browser that prefers Spanish: the site opens in Spanish, and the switch moves the
page between the two languages, keeping the page, and is remembered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from caretime.directory.models import Clinic
from tests.factories import make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spanish_browser_page(browser: Any) -> Iterator[Any]:
    """A page of a browser whose first language is Spanish (it sends Accept-Language: es-ES)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    yield context.new_page()
    context.close()


@pytest.fixture
def clinic(transactional_db: None) -> Clinic:
    return make_clinic("Lakeview PT", latitude=41.94, longitude=-87.65, disciplines=("pt",))


def test_a_spanish_browser_gets_spanish_and_the_switch_keeps_the_page(
    spanish_browser_page: Any, live_server: Any, clinic: Clinic
) -> None:
    page = spanish_browser_page
    page.goto(f"{live_server.url}/clinics/{clinic.pk}/")
    assert page.url == f"{live_server.url}/es/clinics/{clinic.pk}/"
    assert page.locator("html").get_attribute("lang") == "es"

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/clinics/{clinic.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()  # the choice is remembered over the browser's preference
    assert page.url == f"{live_server.url}/clinics/{clinic.pk}/"
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("button", name="Español").click()
    page.wait_for_url(f"{live_server.url}/es/clinics/{clinic.pk}/")
    assert page.locator("html").get_attribute("lang") == "es"
