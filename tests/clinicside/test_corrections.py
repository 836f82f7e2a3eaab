"""Corrections to a listing: anyone reports, nothing changes until staff apply it, the listing
shows when it was last confirmed, and staff see what has waited more than 30 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.clinicside.corrections import OVERDUE_DAYS
from caretime.clinicside.models import Correction, CorrectionState
from caretime.directory.models import Clinic
from caretime.shared.limits import CONNECTION_REPORTS_PER_CLINIC_PER_DAY
from tests.factories import claim_clinic, make_person
from tests.staff import staff_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_a_wrong_phone_is_fixed_only_after_staff_check_it(chicago_clinics: dict[str, Clinic], admin_user: User) -> None:
    clinic = chicago_clinics["near"]
    assert "Nobody has confirmed this listing yet" in Client().get(f"/clinics/{clinic.pk}/").content.decode()
    response = Client().post(
        f"/clinics/{clinic.pk}/correction/",
        {"kind": "phone", "details": "The number rings a pizza place.", "phone": "(312) 555-0199"},
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.phone == "3125550100"  # not yet
    correction = Correction.objects.get()
    staff_client(admin_user).post(
        "/admin/clinicside/correction/", {"action": "apply", "_selected_action": [correction.pk]}
    )
    clinic.refresh_from_db()
    assert clinic.phone == "3125550199"
    correction.refresh_from_db()
    assert correction.state == CorrectionState.APPLIED
    assert "Listing last confirmed on" in Client().get(f"/clinics/{clinic.pk}/").content.decode()


def test_a_bad_correction_says_what_to_fix_and_keeps_the_rest(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    response = Client().post(
        f"/clinics/{clinic.pk}/correction/", {"kind": "phone", "details": "New number.", "phone": "555"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "10 digits" in body
    assert "New number." in body
    assert not Correction.objects.exists()


def test_corrections_past_the_limit_wait_and_keep_what_was_written(chicago_clinics: dict[str, Clinic]) -> None:
    """One connection's reports about one clinic are limited, corrections too: past the limit the
    form answers 429 with when to try again and what was written, and stores nothing."""
    clinic = chicago_clinics["near"]
    limit = CONNECTION_REPORTS_PER_CLINIC_PER_DAY.allowed
    client = Client()
    for n in range(limit):
        sent = client.post(
            f"/clinics/{clinic.pk}/correction/", {"kind": "insurance", "details": f"It takes no Medicaid plan ({n})."}
        )
        assert sent.status_code == 302
    refused = client.post(
        f"/clinics/{clinic.pk}/correction/", {"kind": "moved", "details": "The entrance moved round the corner."}
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert f"You have sent {limit} reports about this clinic in the last 24 hours" in page
    assert "Please try again in" in page
    assert "The entrance moved round the corner." in page
    assert Correction.objects.count() == limit


def test_the_claimant_confirms_the_listing_and_their_corrections_are_marked(
    chicago_clinics: dict[str, Clinic],
) -> None:
    clinic = chicago_clinics["near"]
    owner = make_person("owner@example.org")
    claim_clinic(clinic, owner)
    client = Client()
    client.force_login(owner)
    assert client.post(f"/clinics/{clinic.pk}/listing-is-right/").status_code == 302
    assert "Listing last confirmed on" in Client().get(f"/clinics/{clinic.pk}/").content.decode()
    client.post(f"/clinics/{clinic.pk}/correction/", {"kind": "therapies", "details": "We also offer OT now.",
                                                     "disciplines": ["pt", "ot", "slp"]})  # fmt: skip
    assert Correction.objects.get().claim is not None
    stranger = Client()
    stranger.force_login(make_person("stranger@example.org"))
    assert stranger.post(f"/clinics/{clinic.pk}/listing-is-right/").status_code == 403


def test_staff_see_corrections_waiting_longer_than_30_days(
    chicago_clinics: dict[str, Clinic], admin_user: User, clock: TimeMachineFixture
) -> None:
    clinic = chicago_clinics["near"]
    Client().post(f"/clinics/{clinic.pk}/correction/", {"kind": "closed", "details": "Closed since spring."})
    clock.shift(timedelta(days=OVERDUE_DAYS - 1))
    Client().post(f"/clinics/{clinic.pk}/correction/", {"kind": "moved", "details": "Moved to 2 Test St."})
    clock.shift(timedelta(days=2))
    closed, moved = Correction.objects.order_by("pk")
    page = staff_client(admin_user).get("/admin/clinicside/correction/?overdue=yes").content.decode()
    assert f"/admin/clinicside/correction/{closed.pk}/change/" in page
    assert f"/admin/clinicside/correction/{moved.pk}/change/" not in page
