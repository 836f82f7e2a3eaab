"""Signing up takes an e-mail address and the code mailed to it; nothing else."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tests.accounts.codes import code_in_last_mail, issue_code_earlier, signed_in_email
from tests.factories import make_person

# Codes live for minutes and rate limits count by the minute: the clock stands still
# (tests.clock.NOON), and ``issue_code_earlier`` dates a code back from there.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_sign_up_by_email_then_the_mailed_code_ends_signed_in_with_a_verified_address(client: Client) -> None:
    form = client.get("/accounts/signup/")
    assert form.status_code == 200
    assert 'type="password"' not in form.content.decode()  # no password is asked for

    response = client.post("/accounts/signup/", {"email": "Carol@Example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[caretime] ")
    code = code_in_last_mail("carol@example.org")
    assert signed_in_email(client) is None  # not before the code

    page = client.get("/accounts/confirm-email/")
    assert "carol@example.org" in page.content.decode()
    done = client.post("/accounts/confirm-email/", {"code": code})
    assert done.status_code == 302
    assert done["Location"] == "/account/"

    assert signed_in_email(client) == "carol@example.org"
    account = client.get("/account/").content.decode()
    assert "verified" in account
    user = User.objects.get(email="carol@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert not user.has_usable_password()
    assert "carol" not in user.username  # the username says nothing about the person


def test_a_wrong_sign_up_code_is_refused(client: Client) -> None:
    client.post("/accounts/signup/", {"email": "carol@example.org"})
    code = code_in_last_mail("carol@example.org")
    wrong = "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"

    response = client.post("/accounts/confirm-email/", {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert signed_in_email(client) is None
    assert not EmailAddress.objects.get(email="carol@example.org").verified


@pytest.mark.parametrize(
    ("issued_seconds_ago", "accepted"),
    [
        (settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT - 10, True),
        (settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT + 1, False),
    ],
)
def test_a_sign_up_code_is_refused_once_it_has_expired(client: Client, issued_seconds_ago: int, accepted: bool) -> None:
    client.post("/accounts/signup/", {"email": "carol@example.org"})
    code = code_in_last_mail("carol@example.org")
    issue_code_earlier(client, "account_email_verification_code", seconds=issued_seconds_ago)

    response = client.post("/accounts/confirm-email/", {"code": code})
    assert response.status_code == 302
    if accepted:
        assert signed_in_email(client) == "carol@example.org"
    else:
        assert response["Location"] == "/accounts/login/"  # start again
        assert signed_in_email(client) is None
        assert not EmailAddress.objects.get(email="carol@example.org").verified


def test_signing_up_with_an_address_that_has_an_account_creates_nothing(client: Client) -> None:
    make_person("alice@example.org")
    response = client.post("/accounts/signup/", {"email": "alice@example.org"})
    # The same answer as for a new address, so the form does not tell who has an account...
    assert response.status_code == 302
    assert User.objects.filter(email="alice@example.org").count() == 1
    # ...and the owner of the address is told by mail instead.
    assert mail.outbox[-1].to == ["alice@example.org"]
