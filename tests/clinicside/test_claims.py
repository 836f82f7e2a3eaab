"""Claiming a clinic: the code goes to the clinic's public contact (the outbox in tests), only
the code proves it, one claim per clinic, staff can revoke, and every step is in the admin log."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import ClassVar

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client, override_settings

from caretime.clinicside.claims import MAX_WRONG_TRIES
from caretime.clinicside.models import Claim, ClaimState, Listing
from caretime.clinicside.senders import OUTBOX, Delivery
from caretime.directory.models import Clinic
from tests.factories import make_person
from tests.staff import staff_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture(autouse=True)
def _empty_outbox() -> Iterator[None]:
    OUTBOX.clear()
    yield
    OUTBOX.clear()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask_for_code(client: Client, clinic: Clinic, channel: str = "text", **extra: str) -> str:
    """Ask for a code by ``channel``; the code as the clinic receives it."""
    response = client.post(f"/clinics/{clinic.pk}/claim/", {"channel": channel, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/clinics/{clinic.pk}/claim/code/"
    found = re.search(r"code: (\d{4}) (\d{4})", OUTBOX[-1].text)
    assert found is not None, OUTBOX[-1].text
    return found.group(1) + found.group(2)


def claim(client: Client, clinic: Clinic) -> None:
    code = ask_for_code(client, clinic)
    response = client.post(f"/clinics/{clinic.pk}/claim/code/", {"code": code})
    assert response["Location"] == f"/clinics/{clinic.pk}/manage/"


def test_the_code_goes_to_the_clinics_public_phone_and_proves_the_claim(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    person = make_person("front-desk@example.org")
    client = signed_in(person)
    page = client.get(f"/clinics/{clinic.pk}/claim/").content.decode()
    assert "(312) 555-0100" in page  # the phone the directory lists, never one the person types
    code = ask_for_code(client, clinic)
    assert OUTBOX[-1].channel == "text"
    assert OUTBOX[-1].to == clinic.phone
    assert client.get(f"/clinics/{clinic.pk}/manage/").status_code == 403  # not before the code
    response = client.post(f"/clinics/{clinic.pk}/claim/code/", {"code": f"{code[:4]} {code[4:]}"})
    assert response["Location"] == f"/clinics/{clinic.pk}/manage/"
    manage = client.get(f"/clinics/{clinic.pk}/manage/")
    assert manage.status_code == 200
    page = manage.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert html.unescape(title.group(1)) == f"Speak for {clinic.name} · caretime", "the tab names the clinic, only"
    assert page.count('id="listing-heading"') == 1, "the listing's panel is shown once, in the page's body"
    stored = Claim.objects.get(clinic=clinic)
    assert stored.state == ClaimState.CONFIRMED
    assert code not in stored.code_hash
    log = list(LogEntry.objects.filter(object_id=str(stored.pk)).values_list("change_message", flat=True))
    assert any("code sent by" in entry for entry in log)
    assert any("confirmed" in entry for entry in log)
    assert not any(code in entry for entry in log)


def test_a_stranger_cannot_claim_without_the_code(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    stranger = signed_in(make_person("stranger@example.org"))
    ask_for_code(stranger, clinic)
    for _attempt in range(MAX_WRONG_TRIES):
        response = stranger.post(f"/clinics/{clinic.pk}/claim/code/", {"code": "00000000"})
        assert response.status_code == 400
    assert "last try" in response.content.decode()
    assert Claim.objects.get(clinic=clinic).state == ClaimState.VOID
    assert stranger.get(f"/clinics/{clinic.pk}/manage/").status_code == 403


def test_someone_elses_code_does_not_work_for_a_stranger(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    clinic_code = ask_for_code(signed_in(make_person("desk@example.org")), clinic)
    stranger = signed_in(make_person("stranger@example.org"))
    ask_for_code(stranger, clinic)
    stranger.post(f"/clinics/{clinic.pk}/claim/code/", {"code": clinic_code})
    assert not Claim.objects.filter(state=ClaimState.CONFIRMED).exists()


def test_one_claim_per_clinic_and_staff_can_revoke(chicago_clinics: dict[str, Clinic], admin_user: User) -> None:
    clinic = chicago_clinics["near"]
    owner = signed_in(make_person("owner@example.org"))
    claim(owner, clinic)
    other = signed_in(make_person("other@example.org"))
    response = other.post(f"/clinics/{clinic.pk}/claim/", {"channel": "text"})
    assert response.status_code == 409
    assert len(OUTBOX) == 1  # no code went out for the second claim
    held = Claim.objects.get(state=ClaimState.CONFIRMED)
    staff = staff_client(admin_user)
    response = staff.post("/admin/clinicside/claim/", {"action": "revoke", "_selected_action": [held.pk]}, follow=True)
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.state == ClaimState.REVOKED
    assert owner.get(f"/clinics/{clinic.pk}/manage/").status_code == 403
    assert LogEntry.objects.filter(object_id=str(held.pk), user=admin_user, change_message__contains="revoked").exists()
    claim(other, clinic)  # the clinic can be claimed again


def test_an_email_code_only_to_the_clinics_own_domain(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    client = signed_in(make_person("person@example.org"))
    response = client.post(f"/clinics/{clinic.pk}/claim/", {"channel": "email", "email": "me@lincolnpark.example"})
    assert response.status_code == 400  # no web domain on record: no e-mail choice
    Listing.objects.create(clinic=clinic, web_domain="lincolnpark.example")
    response = client.post(f"/clinics/{clinic.pk}/claim/", {"channel": "email", "email": "me@evil.example"})
    assert response.status_code == 400
    assert "lincolnpark.example" in response.content.decode()
    ask_for_code(client, clinic, channel="email", email="Front@LincolnPark.example")
    assert OUTBOX[-1].to == "front@lincolnpark.example"


def test_a_clinic_is_not_sent_codes_all_day(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    for number in range(3):
        ask_for_code(signed_in(make_person(f"p{number}@example.org")), clinic, channel="call")
    response = signed_in(make_person("p9@example.org")).post(f"/clinics/{clinic.pk}/claim/", {"channel": "call"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(OUTBOX) == 3


def test_claiming_needs_an_account(chicago_clinics: dict[str, Clinic]) -> None:
    response = Client().post(f"/clinics/{chicago_clinics['near'].pk}/claim/", {"channel": "text"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert OUTBOX == []


# --- who reaches the clinic's side --------------------------------------------------------------
#
# Each clinic-side route for the claimant, a stranger signed in, staff (signed in past two-factor
# sign-in, but not the claimant) and an anonymous visitor.
CLINIC_SIDE: dict[str, tuple[str, dict[str, int]]] = {
    "manage": ("/clinics/{clinic}/manage/", {"claimant": 200, "stranger": 403, "staff": 403, "anonymous": 302}),
    "claim": ("/clinics/{clinic}/claim/", {"claimant": 302, "stranger": 200, "staff": 200, "anonymous": 302}),
    "code": ("/clinics/{clinic}/claim/code/", {"claimant": 302, "stranger": 200, "staff": 200, "anonymous": 302}),
    "api schedules": (
        "/api/v1/clinics/{clinic}/schedules",
        {"claimant": 405, "stranger": 405, "staff": 405, "anonymous": 405},  # POST only
    ),
}


@pytest.mark.parametrize("route", sorted(CLINIC_SIDE))
def test_access_matrix(chicago_clinics: dict[str, Clinic], admin_user: User, route: str) -> None:
    clinic = chicago_clinics["near"]
    claimant = signed_in(make_person("owner@example.org"))
    claim(claimant, clinic)
    clients = {
        "claimant": claimant,
        "stranger": signed_in(make_person("stranger@example.org")),
        "staff": staff_client(admin_user),
        "anonymous": Client(),
    }
    path, expected = CLINIC_SIDE[route]
    got = {who: client.get(path.format(clinic=clinic.pk)).status_code for who, client in clients.items()}
    assert got == expected


class LetterOnlySender:
    """A provider's adapter as production plugs one in: here, one that only posts letters."""

    sent: ClassVar[list[Delivery]] = []

    def channels(self) -> frozenset[str]:
        return frozenset({"letter"})

    def send(self, delivery: Delivery) -> None:
        self.sent.append(delivery)


def test_a_providers_sender_is_plugged_in_by_its_dotted_path(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    client = signed_in(make_person("desk@example.org"))
    with override_settings(CLAIM_CODE_SENDER="tests.clinicside.test_claims.LetterOnlySender"):
        page = html.unescape(client.get(f"/clinics/{clinic.pk}/claim/").content.decode())
        assert "A letter to the clinic's address" in page
        assert "A text message" not in page
        assert client.post(f"/clinics/{clinic.pk}/claim/", {"channel": "text"}).status_code == 400
        assert client.post(f"/clinics/{clinic.pk}/claim/", {"channel": "letter"}).status_code == 302
    (letter,) = LetterOnlySender.sent
    assert letter.to.splitlines()[:2] == ["Lincoln Park PT", "1 Test St"]
    assert OUTBOX == []
