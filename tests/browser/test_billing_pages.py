"""The billing section and the state picture in a real browser: accessible, nothing blocked
by the content security policy, nothing loaded from elsewhere."""

from __future__ import annotations

from typing import Any

import pytest

from caretime.directory.models import Clinic
from caretime.verdicts.actions import compute_billing_indicators
from tests.factories import CLAIMS_YEAR, add_therapist, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def billed_clinic(transactional_db: None) -> Clinic:
    clinic = make_clinic("Group Heavy PT", latitude=41.92, longitude=-87.65)
    add_therapist(clinic, 111_111_111, units=2.1, group_visits=600)
    for i in range(6):
        add_therapist(make_clinic(f"Peer {i}", latitude=41.9, longitude=-87.6), 120_000_000 + i, units=3.0 + i / 10)
    compute_billing_indicators(year=CLAIMS_YEAR)
    return clinic


def _visit(page: Any, url: str) -> tuple[list[str], list[str]]:
    """Open a page; return console errors and requests to other hosts."""
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    base = "/".join(url.split("/")[:3])
    page.on(
        "request", lambda request: foreign.append(request.url) if not request.url.startswith((base, "data:")) else None
    )
    page.goto(url)
    return errors, foreign


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def test_clinic_billing_section_in_the_browser(live_server: Any, billed_clinic: Clinic, page: Any) -> None:
    errors, foreign = _visit(page, f"{live_server.url}/clinics/{billed_clinic.pk}/")
    section = page.locator("section.billing")
    # What it means for the patient is read first; the figures and their limits are one tap away.
    assert "at least 12 minutes with a therapist, one-on-one, on average" in section.inner_text()
    for disclosure in section.locator("summary").all():
        disclosure.click()
    text = section.inner_text()
    assert "between 1.3 and 2.1 timed units per visit" in text
    assert "an average visit had at least 12 minutes of one-on-one treatment if billed correctly" in text
    assert "Medicare fee-for-service only" in text
    assert "hospital outpatient departments" in text  # the institutional-claims caveat
    assert errors == []  # nothing refused by the content security policy
    assert foreign == []
    assert _violations(page) == []


def test_state_picture_in_the_browser(live_server: Any, billed_clinic: Clinic, page: Any) -> None:
    errors, foreign = _visit(page, f"{live_server.url}/data/states/")
    assert page.locator("svg.box-chart").count() == 2
    assert page.locator("svg.box-chart rect").count() == 2  # Illinois in each chart
    assert page.get_by_role("img", name="Timed units per visit, by state").is_visible()
    assert errors == []
    assert foreign == []
    assert _violations(page) == []
