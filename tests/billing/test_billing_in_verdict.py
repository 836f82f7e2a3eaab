"""Billing data joins the verdict as low-weight evidence, and never decides Avoid alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caretime.core.evidence import EvidenceSource
from caretime.directory.models import Clinic
from caretime.verdicts.actions import compute_billing_indicators
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import CLAIMS_YEAR, add_call, add_therapist, make_clinic

# Billing and calls age by the day: the clock stands still (tests.clock.NOON).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def group_heavy_clinic() -> Clinic:
    clinic = make_clinic("Group Heavy PT", latitude=41.92, longitude=-87.65)
    add_therapist(clinic, 111_111_111, units=2.1, group_visits=600)
    compute_billing_indicators(year=CLAIMS_YEAR)
    return clinic


def verdict(client: Client, clinic: Clinic) -> dict[str, Any]:
    response = client.get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def sources(body: dict[str, Any], question: str) -> set[str]:
    return {
        tally["source"]
        for reason in body["reasons"]
        if reason["question"] == question
        for tally in reason["supporting"] + reason["contrary"]
    }


def test_billing_alone_never_makes_a_clinic_avoid(client: Client, group_heavy_clinic: Clinic) -> None:
    body = verdict(client, group_heavy_clinic)
    assert body["verdict"] == "unknown"
    assert body["evidence_counts"].get("billing") == 1
    assert "billing" in sources(body, "sharing")


def test_billing_backs_what_callers_were_told(client: Client, group_heavy_clinic: Clinic) -> None:
    add_call(group_heavy_clinic, MILL)
    body = verdict(client, group_heavy_clinic)
    assert body["verdict"] == "avoid"
    assert {"call", "billing"} <= sources(body, "sharing")


def test_billing_weighs_little_against_what_the_clinic_said(client: Client, group_heavy_clinic: Clinic) -> None:
    for _ in range(2):
        add_call(group_heavy_clinic, ONE_ON_ONE)
    body = verdict(client, group_heavy_clinic)
    # Two fresh calls outweigh one low-weight billing figure; the conflict is shown.
    assert body["verdict"] == "good"
    sharing = [reason for reason in body["reasons"] if reason["question"] == "sharing"]
    assert sharing
    assert sharing[0]["conflicting"] is True


def test_billing_counts_at_its_documented_weight(group_heavy_clinic: Clinic) -> None:
    """docs/methodology.md: weight 0.3, dated at the last day of the claims year, halving every
    365 days like any report. The figures are written out here so that changing the weight,
    the half-life or the date in the code fails this test."""
    from datetime import date

    from django.utils import timezone

    from caretime.core.verdict import Bar
    from caretime.verdicts.selectors import care_time_for

    today = timezone.now().date()
    documented = 0.3 * 0.5 ** ((today - date(CLAIMS_YEAR, 12, 31)).days / 365)
    assessment = care_time_for(group_heavy_clinic, "pt", Bar(), as_of=today).assessment
    assert assessment.evidence_counts == ((EvidenceSource.BILLING, 1),)
    assert assessment.strength == pytest.approx(documented, rel=1e-9)
    # the same weight is read on the path that ranks many clinics: the stored verdict sums
    from caretime.verdicts.selectors import Judge
    from caretime.verdicts.sums import grown_sums_for

    judge = Judge({}, Bar(), today, grown_sums_for([group_heavy_clinic.pk], "pt", as_of=today))
    assert judge.quick(group_heavy_clinic.pk, "pt").strength == pytest.approx(documented, rel=1e-9)
