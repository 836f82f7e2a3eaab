"""A person can add an address and verify it by code, from the link on the account page."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client

from tests.accounts.codes import code_in_last_mail

pytestmark = pytest.mark.django_db


def test_a_new_address_is_verified_by_the_mailed_code(alice_client: Client, alice: User) -> None:
    assert 'href="/accounts/email/"' in alice_client.get("/account/").content.decode()
    response = alice_client.post("/accounts/email/", {"action_add": "", "email": "alice@work.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    code = code_in_last_mail("alice@work.example")
    assert not EmailAddress.objects.filter(email="alice@work.example", verified=True).exists()

    assert alice_client.post("/accounts/confirm-email/", {"code": code}).status_code == 302
    assert EmailAddress.objects.get(user=alice, email="alice@work.example").verified
    page = alice_client.get("/account/").content.decode()
    assert "alice@work.example" in page
    assert page.count(">verified</span>") == 2
