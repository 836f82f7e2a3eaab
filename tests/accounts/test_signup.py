"""Signing up takes an e-mail address and the code mailed to it; nothing else. The answer to
the address is the same work for an address with an account and one without."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caretime.accounts.browsers import KNOWN_BROWSER_COOKIE
from tests.accounts.codes import CODE, code_in_last_mail, issue_code_earlier, signed_in_email
from tests.factories import make_person

# Codes live for minutes and rate limits count by the minute: the clock stands still
# (tests.clock.NOON), and ``issue_code_earlier`` dates a code back from there.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CONFIRM = "/accounts/signup/confirm/"


def test_sign_up_by_email_then_the_mailed_code_ends_signed_in_with_a_verified_address(client: Client) -> None:
    form = client.get("/accounts/signup/")
    assert form.status_code == 200
    assert 'type="password"' not in form.content.decode()  # no password is asked for

    response = client.post("/accounts/signup/", {"email": "Carol@Example.org"})
    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[caretime] ")
    code = code_in_last_mail("carol@example.org")
    assert signed_in_email(client) is None  # not before the code
    assert not User.objects.exists()  # and nothing is stored before it either

    page = client.get(CONFIRM)
    assert "carol@example.org" in page.content.decode()
    done = client.post(CONFIRM, {"code": code})
    assert done.status_code == 302
    assert done["Location"] == "/account/"

    assert signed_in_email(client) == "carol@example.org"
    account = client.get("/account/").content.decode()
    assert "verified" in account
    user = User.objects.get(email="carol@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert not user.has_usable_password()
    assert "carol" not in user.username  # the username says nothing about the person
    assert KNOWN_BROWSER_COOKIE in client.cookies


def test_a_wrong_sign_up_code_is_refused_and_three_void_the_code(client: Client) -> None:
    client.post("/accounts/signup/", {"email": "carol@example.org"})
    code = code_in_last_mail("carol@example.org")
    wrong = "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"

    for _ in range(settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS - 1):
        response = client.post(CONFIRM, {"code": wrong})
        assert response.status_code == 400
        assert "Incorrect code." in response.content.decode()
        assert signed_in_email(client) is None
    voided = client.post(CONFIRM, {"code": wrong}, follow=True)
    assert voided.redirect_chain == [("/accounts/signup/", 302)]
    assert "that code no longer works" in voided.content.decode()
    assert client.post(CONFIRM, {"code": code})["Location"] == "/accounts/signup/"
    assert signed_in_email(client) is None
    assert not User.objects.exists()


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
    issue_code_earlier(client, "caretime_signup", seconds=issued_seconds_ago)

    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302
    if accepted:
        assert signed_in_email(client) == "carol@example.org"
    else:
        assert response["Location"] == "/accounts/signup/"  # start again
        assert signed_in_email(client) is None
        assert not User.objects.exists()


def sign_up_and_watch(email: str, network: str) -> tuple[int, str, list[str]]:
    """Send the sign-up form from a fresh browser; the answer, and the statements it ran with
    their literals taken out (a session key, a counter's key)."""
    client = Client()
    client.get("/accounts/signup/")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/signup/", {"email": email}, REMOTE_ADDR=network)
    shapes = [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", query["sql"]) for query in queries.captured_queries]
    return response.status_code, response.get("Location", ""), shapes


def test_signing_up_does_the_same_work_for_an_address_with_an_account_and_one_without() -> None:
    make_person("alice@example.org")
    known = sign_up_and_watch("alice@example.org", "198.51.100.1")
    unknown = sign_up_and_watch("carol@example.org", "198.51.100.2")

    assert known[:2] == unknown[:2] == (302, CONFIRM)  # the same answer
    assert len(known[2]) == len(unknown[2])  # the same number of queries...
    assert known[2] == unknown[2]  # ...the same statements...
    assert not any("auth_user" in sql or "account_emailaddress" in sql for sql in known[2])  # ...none about people
    # The same mail-sending work: one mail each, the same words, only the code differs.
    to_alice, to_carol = mail.outbox
    assert to_alice.to == ["alice@example.org"]
    assert to_carol.to == ["carol@example.org"]
    assert to_alice.subject == to_carol.subject
    assert CODE.sub("CODE", str(to_alice.body)) == CODE.sub("CODE", str(to_carol.body))
    assert User.objects.count() == 1  # nothing made for carol until she enters her code


def test_the_code_sent_to_an_address_with_an_account_signs_in_to_it(client: Client) -> None:
    alice = make_person("alice@example.org")
    response = client.post("/accounts/signup/", {"email": "alice@example.org"})
    assert response["Location"] == CONFIRM
    done = client.post(CONFIRM, {"code": code_in_last_mail("alice@example.org")})
    assert done.status_code == 302
    assert signed_in_email(client) == "alice@example.org"
    assert User.objects.get() == alice  # no second account


def test_the_code_verifies_an_address_an_account_had_not_verified(client: Client) -> None:
    dan = make_person("dan@example.org", verified=False)
    client.post("/accounts/signup/", {"email": "dan@example.org"})
    client.post(CONFIRM, {"code": code_in_last_mail("dan@example.org")})
    assert signed_in_email(client) == "dan@example.org"
    assert EmailAddress.objects.get(user=dan).verified


def test_signing_up_takes_the_limits_of_sign_in_codes() -> None:
    # A sign-up mails a code like a sign-in: 3 for one address from one network in 10 minutes.
    for _ in range(3):
        sent = Client().post("/accounts/signup/", {"email": "carol@example.org"}, REMOTE_ADDR="198.51.100.7")
        assert sent.status_code == 302
    refused = Client().post("/accounts/signup/", {"email": "carol@example.org"}, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert "Use the newest code we sent" in refused.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("email", ["", "not an address", "a@b@example.org", "x" * 300 + "@example.org"])
def test_a_bad_address_is_refused_with_400(client: Client, email: str) -> None:
    response = client.post("/accounts/signup/", {"email": email})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not mail.outbox


def test_the_code_page_without_a_sign_up_sends_one_back_and_bad_codes_are_400(client: Client) -> None:
    assert client.get(CONFIRM)["Location"] == "/accounts/signup/"
    assert client.post(CONFIRM, {"code": "BBBB-BBBB"})["Location"] == "/accounts/signup/"
    client.post("/accounts/signup/", {"email": "carol@example.org"})
    assert client.post(CONFIRM, {"code": ""}).status_code == 400
    assert client.post(CONFIRM, {"code": "é" * 5000}).status_code == 400


def test_after_the_code_the_person_goes_on_to_the_page_they_came_from(client: Client) -> None:
    page = client.get("/accounts/signup/?next=/account/reports/").content.decode()
    assert 'name="next" value="/account/reports/"' in page
    assert 'href="/accounts/login/?next=%2Faccount%2Freports%2F"' in page
    client.post("/accounts/signup/", {"email": "carol@example.org", "next": "/account/reports/"})
    done = client.post(CONFIRM, {"code": code_in_last_mail("carol@example.org")})
    assert done["Location"] == "/account/reports/"


def test_a_next_address_on_another_site_is_ignored(client: Client) -> None:
    client.post("/accounts/signup/", {"email": "carol@example.org", "next": "https://evil.example/"})
    done = client.post(CONFIRM, {"code": code_in_last_mail("carol@example.org")})
    assert done["Location"] == "/account/"
