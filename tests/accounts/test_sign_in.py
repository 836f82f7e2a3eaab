"""Signing in: an e-mail address, then the one-time code mailed to it. No password, ever."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tests.accounts.codes import code_in_last_mail, issue_code_earlier, signed_in_email

# Codes live for minutes and rate limits count by the minute: the clock stands still
# (tests.clock.NOON), and ``issue_code_earlier`` dates a code back from there.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LOGIN_CODE_STATE = ("account_login", "state", "stages", "login_by_code", "data")


def request_code(client: Client, email: str) -> str:
    response = client.post("/accounts/login/", {"login": email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    return code_in_last_mail(email)


def test_sign_in_by_a_mailed_code_end_to_end(client: Client, alice: User) -> None:
    form = client.get("/accounts/login/").content.decode()
    assert 'type="password"' not in form
    assert 'name="login"' in form

    code = request_code(client, "alice@example.org")
    assert mail.outbox[-1].subject.startswith("[caretime] ")
    assert signed_in_email(client) is None  # the address alone signs no one in

    page = client.get("/accounts/login/code/confirm/").content.decode()
    assert "alice@example.org" in page
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert signed_in_email(client) == "alice@example.org"


def test_the_address_may_be_typed_in_any_case(client: Client, alice: User) -> None:
    code = request_code(client, "alice@example.org")
    assert client.post("/accounts/login/code/confirm/", {"code": code.lower()}).status_code == 302
    assert signed_in_email(client) == "alice@example.org"


def test_a_wrong_code_is_refused_and_three_wrong_codes_void_the_right_one(client: Client, alice: User) -> None:
    code = request_code(client, "alice@example.org")
    wrong = "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"

    for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS - 1):
        response = client.post("/accounts/login/code/confirm/", {"code": wrong})
        assert response.status_code == 200
        assert "Incorrect code." in response.content.decode()
        assert signed_in_email(client) is None

    last = client.post("/accounts/login/code/confirm/", {"code": wrong}, follow=True)
    assert "Too many failed login attempts" in last.content.decode()
    # The right code no longer works: the person must ask for a new one.
    after = client.post("/accounts/login/code/confirm/", {"code": code})
    assert after.status_code == 302
    assert after["Location"] == "/accounts/login/code/"
    assert signed_in_email(client) is None


@pytest.mark.parametrize(
    ("issued_seconds_ago", "accepted"),
    [(settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT - 10, True), (settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 1, False)],
)
def test_a_code_is_refused_once_it_has_expired(
    client: Client, alice: User, issued_seconds_ago: int, accepted: bool
) -> None:
    code = request_code(client, "alice@example.org")
    issue_code_earlier(client, *LOGIN_CODE_STATE, seconds=issued_seconds_ago)

    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    if accepted:
        assert signed_in_email(client) == "alice@example.org"
    else:
        assert response["Location"] == "/accounts/login/code/"  # ask for a new code
        assert signed_in_email(client) is None


def test_asking_for_codes_is_rate_limited_per_address(client: Client, alice: User) -> None:
    # settings.ACCOUNT_RATE_LIMITS["request_login_code"]: 3 to one address in 10 minutes.
    for _ in range(3):
        request_code(Client(), "alice@example.org")
    assert len(mail.outbox) == 3

    refused = client.post("/accounts/login/", {"login": "alice@example.org"})
    assert refused.status_code == 200
    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert len(mail.outbox) == 3  # no fourth mail
    # Another address is not held up by it.
    other = client.post("/accounts/login/", {"login": "someone@example.org"})
    assert other.status_code == 302


def test_an_address_without_an_account_gets_the_same_answer_and_a_mail_saying_so(client: Client) -> None:
    response = client.post("/accounts/login/", {"login": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert mail.outbox[-1].to == ["nobody@example.org"]
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_signing_out_takes_a_post(alice_client: Client) -> None:
    assert alice_client.get("/accounts/logout/").status_code == 200  # a confirmation page, still signed in
    assert signed_in_email(alice_client) == "alice@example.org"
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_email(alice_client) is None
