"""The values of the billing rules that decide what is drawn and compared, pinned where a person
meets them: the JSON API after the ``compute_billing_indicators`` command.

Every number is written out here on purpose, never read from the code: a value that changes
by one in either direction fails a test of this module (the other billing values are pinned
by the hand-computed figures of this directory's other tests).
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from caretime.directory.models import Clinic
from tests.factories import CLAIMS_YEAR, add_therapist, make_clinic

pytestmark = pytest.mark.django_db


def compute() -> None:
    call_command("compute_billing_indicators", year=CLAIMS_YEAR, stdout=StringIO())


def test_clinicians_per_state_a_state_is_drawn_from_5_clinicians_and_not_from_4() -> None:
    for number in range(5):
        add_therapist(None, 210_000_000 + number, units=3.0 + number / 10, state="IL")
    for number in range(4):
        add_therapist(None, 220_000_000 + number, units=3.0 + number / 10, state="WI")
    compute()
    states = {
        row["state"]: row for row in Client().get("/api/v1/billing/states", {"discipline": "pt"}).json()["states"]
    }
    assert (states["IL"]["clinicians"], states["WI"]["clinicians"]) == (5, 4)
    assert states["IL"]["timed_units_per_visit"] is not None
    assert states["IL"]["share_of_clinicians_above_group_threshold"] is not None
    assert states["WI"]["timed_units_per_visit"] is None
    assert states["WI"]["share_of_clinicians_above_group_threshold"] is None


def test_peers_for_comparison_a_clinic_is_compared_with_5_other_clinics_and_not_with_4() -> None:
    clinics: dict[str, Clinic] = {}
    for state, peers, base in (("IL", 5, 230_000_000), ("WI", 4, 240_000_000)):
        for number in range(peers + 1):
            clinic = make_clinic(
                f"{state} Clinic {number}", latitude=42.0, longitude=-88.0, state=state, zip_code="60601"
            )
            add_therapist(clinic, base + number, units=3.0 + number / 10, state=state)
            clinics.setdefault(state, clinic)
    compute()

    def figures(state: str) -> dict[str, Any]:
        body = Client().get(f"/api/v1/clinics/{clinics[state].pk}/billing").json()
        [figure] = body["figures"]
        result: dict[str, Any] = figure
        return result

    il, wi = figures("IL"), figures("WI")
    assert (il["peer_clinics"], wi["peer_clinics"]) == (5, 4)
    assert any("(units per visit; 5 clinics compared)" in sentence for sentence in il["summary"])
    assert not any("clinics compared" in sentence for sentence in wi["summary"])
