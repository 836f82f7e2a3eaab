"""Signing in: an e-mail address, then the one-time code mailed to it. No password, ever."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from caretime.accounts.browsers import KNOWN_BROWSER_COOKIE
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


def ask_for_code(email: str, *, network: str, client: Client | None = None) -> Any:
    return (client or Client()).post("/accounts/login/", {"login": email}, REMOTE_ADDR=network)


def mails_to(email: str) -> int:
    return sum(1 for message in mail.outbox if message.to == [email])


def test_the_limits_are_those_the_docs_state() -> None:
    # 10 a minute from one network, 3 for one address from one network in 10 minutes...
    assert settings.ACCOUNT_RATE_LIMITS["request_login_code"] == "10/m/ip,3/10m/key"
    # ...and 30 for one address from every network together in an hour.
    assert settings.ACCOUNT_RATE_LIMITS["request_login_code_address"] == "30/h/key"


def test_one_network_gets_three_codes_for_one_address_in_ten_minutes(alice: User) -> None:
    for _ in range(3):
        assert ask_for_code("alice@example.org", network="198.51.100.7").status_code == 302
    assert mails_to("alice@example.org") == 3

    refused = ask_for_code("alice@example.org", network="198.51.100.7")
    assert refused.status_code == 200
    assert "Use the newest code we sent, or try again in 10 minutes." in refused.content.decode()
    assert mails_to("alice@example.org") == 3  # no fourth mail
    # Another address from that network, and that address from another network, still get theirs.
    assert ask_for_code("someone@example.org", network="198.51.100.7").status_code == 302
    assert ask_for_code("alice@example.org", network="203.0.113.9").status_code == 302
    assert mails_to("alice@example.org") == 4


def test_strangers_asking_for_codes_from_other_networks_do_not_keep_the_owner_out(alice: User) -> None:
    strangers = [f"198.51.100.{number}" for number in range(1, 6)] + ["2001:db8:6:6::1", "2001:db8:6:6::2"]
    for network in strangers:  # the two IPv6 addresses share one /64: one network
        for _ in range(5):
            ask_for_code("alice@example.org", network=network)
    sent_to_strangers = mails_to("alice@example.org")
    assert sent_to_strangers == 3 * 6  # each network got its 3, no more

    own = Client()
    response = ask_for_code("alice@example.org", network="203.0.113.7", client=own)
    assert response.status_code == 302
    assert mails_to("alice@example.org") == sent_to_strangers + 1
    code = code_in_last_mail("alice@example.org")
    assert own.post("/accounts/login/code/confirm/", {"code": code}).status_code == 302
    assert signed_in_email(own) == "alice@example.org"


def test_the_ceiling_per_address_holds_strangers_but_not_a_browser_that_signed_in_before(alice: User) -> None:
    own = Client()
    request_code(own, "alice@example.org")
    own.post("/accounts/login/code/confirm/", {"code": code_in_last_mail("alice@example.org")})
    assert signed_in_email(own) == "alice@example.org"
    assert "alice" not in own.cookies[KNOWN_BROWSER_COOKIE].value  # a keyed hash, not the address
    own.post("/accounts/logout/")

    for number in range(1, 16):  # 15 networks, 3 requests each: more than the ceiling of 30
        for _ in range(3):
            ask_for_code("alice@example.org", network=f"198.51.100.{number}")
    assert mails_to("alice@example.org") == 1 + 29  # the owner's sign-in counted too

    stranger = ask_for_code("alice@example.org", network="192.0.2.99")
    assert stranger.status_code == 200
    assert "so we are not sending more for now" in stranger.content.decode()
    assert mails_to("alice@example.org") == 30

    response = ask_for_code("alice@example.org", network="203.0.113.7", client=own)
    assert response.status_code == 302
    assert mails_to("alice@example.org") == 31
    # The code page (/accounts/login/code/) takes the same limits as the sign-in form.
    other_page = Client().post("/accounts/login/code/", {"email": "alice@example.org"}, REMOTE_ADDR="192.0.2.98")
    assert other_page.status_code == 200
    assert "so we are not sending more for now" in other_page.content.decode()


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
