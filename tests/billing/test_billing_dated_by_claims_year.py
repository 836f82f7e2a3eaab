"""Billing evidence is dated by its claims year wherever a verdict lists its evidence: the page,
the reasons and the API. A fresh call must never make old claims read as "the newest November"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from caretime.directory.models import Clinic
from caretime.verdicts.actions import compute_billing_indicators
from tests.answers import MILL
from tests.factories import CLAIMS_YEAR, add_call, add_therapist, clinic_page, make_clinic

# Billing and calls age by the day: the clock stands still (tests.clock.NOON).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def billed_and_called() -> Clinic:
    clinic = make_clinic("Billed And Called PT", latitude=41.92, longitude=-87.65)
    add_therapist(clinic, 111_111_111, units=2.1, group_visits=600)
    compute_billing_indicators(year=CLAIMS_YEAR)
    add_call(clinic, MILL)
    return clinic


def test_the_verdict_page_dates_billing_by_its_claims_year(client: Client, billed_and_called: Clinic) -> None:
    page = client.get(clinic_page(billed_and_called.pk, "pt")).content.decode()
    this_month = f"{timezone.now().date():%B %Y}"
    assert f"Based on 1 call, {this_month}; 1 Medicare billing figure, claims of {CLAIMS_YEAR}." in page
    assert f"December {CLAIMS_YEAR}" not in page
    assert "the newest from" not in page


def test_the_api_gives_the_claims_year_of_billing(client: Client, billed_and_called: Clinic) -> None:
    body = client.get(f"/api/v1/clinics/{billed_and_called.pk}/verdict", {"discipline": "pt"}).json()
    tallies = [t for reason in body["reasons"] for t in reason["supporting"] + reason["contrary"]]
    billing = [t for t in tallies if t["source"] == "billing"]
    assert billing
    assert {t["claims_year"] for t in billing} == {CLAIMS_YEAR}
    assert {t["claims_year"] for t in tallies if t["source"] == "call"} == {None}
    assert any(f"claims of {CLAIMS_YEAR}" in reason["text"] for reason in body["reasons"])
