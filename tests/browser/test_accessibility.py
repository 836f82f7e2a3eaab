"""Every kind of page passes axe at moderate and above, on a phone and on a desktop: headings
in order, all content inside landmarks, scrolling boxes reachable by keyboard."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from caretime.billing.demo import build_demo_billing
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic
from tests.browser.audit import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region(transactional_db: None) -> Clinic:
    build_demo_region(seed=1, clinics=40)
    build_demo_billing(seed=1)
    # Which demo clinics offer which therapy depends on the rows left by earlier tests (a
    # flushed database has no insurance plans to draw), so take the first that offers PT.
    clinic = Clinic.objects.filter(services__discipline="pt").order_by("id").first()
    assert clinic is not None
    return clinic


def _sign_in(page: Any, base_url: str) -> None:
    """A verified person's session, made by Django's test client and handed to the browser."""
    user = User.objects.create_user(username="c-ada", email="ada@example.org")
    EmailAddress.objects.create(user=user, email="ada@example.org", verified=True, primary=True)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def _public_pages(clinic: Clinic) -> list[str]:
    other = Clinic.objects.exclude(pk=clinic.pk).filter(services__discipline="pt").order_by("id")[:3]
    compared = "&".join(f"clinic={pk}" for pk in [clinic.pk, *(c.pk for c in other)])
    at = f"/clinics/{clinic.pk}"
    near = f"near={clinic.zip_code}"
    return [
        "/",
        f"/clinics/?{near}",
        f"/clinics/?{near}&discipline=pt&meets_bar=1",
        f"/compare/?clinic={clinic.pk}&{near}&discipline=pt",  # one clinic: a refusal that links back
        "/clinics/?near=99999",  # a refused search
        "/clinics/?near=Portland",  # a place in several states
        "/clinics/?near=Chicgo",  # a misspelt place
        "/clinics/?near=10001",  # a place with no clinics
        f"{at}/",
        f"{at}/?{near}",
        f"{at}/pt/verdict/?{near}",
        f"{at}/pt/ask/",
        f"{at}/pt/letters/",
        f"{at}/pt/letters/?print=clinic",
        f"/compare/?{compared}&discipline=pt&{near}",
        "/data/states/",
        "/about/",
        "/about/methodology/",
        "/about/review-policy/",
        f"/employers/?{near}&discipline=pt",
        f"{at}/pt/review/",
        f"{at}/reviews/not-recommended/",
        f"{at}/pt/visit-report/",
        f"{at}/pt/visit-timer/",
        f"{at}/pt/workplace-report/",
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_moderate_or_worse_on_any_page(
    page: Any, live_server: Any, region: Clinic, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 812})
    found = {}
    for path in _public_pages(region):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_moderate_or_worse_on_the_pages_of_a_signed_in_person(
    page: Any, live_server: Any, region: Clinic, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 812})
    _sign_in(page, live_server.url)
    found = {}
    for path in [
        "/account/",
        "/account/reports/",
        "/accounts/email/",
        f"/clinics/{region.pk}/pt/review/",
        f"/clinics/{region.pk}/pt/visit-report/",
        f"/clinics/{region.pk}/pt/workplace-report/",
    ]:
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
        f"/clinics/{region.pk}/pt/verdict/",
        f"/clinics/{region.pk}/pt/visit-report/",
    ):
        page.goto(live_server.url + path)
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert levels[0] == 1, path
        assert all(after - before <= 1 for before, after in itertools.pairwise(levels)), (path, levels)
