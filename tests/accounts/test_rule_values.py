"""The values of the sign-in and sign-up limits, pinned where a person meets them: the pages of
signing in and up, on a stopped clock that the tests move by the second.

Every number is written out here on purpose, never read from the settings: a value that
changes by one (a code, a request, a second, a minute) in either direction fails a test of
this module.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from time_machine import TimeMachineFixture

from tests.accounts.codes import code_in_last_mail, signed_in_email
from tests.factories import make_person
from tests.staff import staff_client

pytestmark = pytest.mark.django_db

REFUSED = "Too many failed login attempts"
CODES_REFUSED = "Use the newest code we sent"
SIGN_UP_CONFIRM = "/accounts/signup/confirm/"


def ask_for_code(client: Client, email: str) -> int:
    """Ask for a sign-in code; the number of mails sent so far."""
    response = client.post("/accounts/login/", {"login": email})
    assert response.status_code in (200, 302)
    return len(mail.outbox)


def wrong_code(code: str) -> str:
    return "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"


# --- a mailed code: void after 3 wrong tries; sign-in codes live 10 minutes, sign-up codes 15 -


def test_sign_in_code_attempts_the_right_code_works_after_2_wrong_ones_and_not_after_3(
    clock: TimeMachineFixture, alice: User
) -> None:
    client = Client()
    ask_for_code(client, "alice@example.org")
    code = code_in_last_mail("alice@example.org")
    for _ in range(2):
        assert (
            "Incorrect code."
            in client.post("/accounts/login/code/confirm/", {"code": wrong_code(code)}).content.decode()
        )
    assert client.post("/accounts/login/code/confirm/", {"code": code})["Location"] == "/account/"
    assert signed_in_email(client) == "alice@example.org"

    other = Client()
    ask_for_code(other, "alice@example.org")
    code = code_in_last_mail("alice@example.org")
    for _ in range(3):
        other.post("/accounts/login/code/confirm/", {"code": wrong_code(code)})
    assert other.post("/accounts/login/code/confirm/", {"code": code})["Location"] == "/accounts/login/code/"
    assert signed_in_email(other) is None


def test_sign_up_code_attempts_the_right_code_works_after_2_wrong_ones_and_not_after_3(
    clock: TimeMachineFixture,
) -> None:
    for wrong_tries, email in ((2, "carol@example.org"), (3, "dan@example.org")):
        client = Client()
        client.post("/accounts/signup/", {"email": email})
        code = code_in_last_mail(email)
        for _ in range(wrong_tries):
            client.post(SIGN_UP_CONFIRM, {"code": wrong_code(code)})
        client.post(SIGN_UP_CONFIRM, {"code": code})
        # the account (and its verified address) is made only when the right code comes back in time
        assert EmailAddress.objects.filter(email=email, verified=True).exists() is (wrong_tries == 2), wrong_tries


def test_sign_in_code_lifetime_a_code_works_600_seconds_after_it_was_mailed_and_not_601(
    clock: TimeMachineFixture, alice: User
) -> None:
    for seconds, works in ((600, True), (601, False)):
        client = Client()
        ask_for_code(client, "alice@example.org")
        code = code_in_last_mail("alice@example.org")
        clock.shift(timedelta(seconds=seconds))
        client.post("/accounts/login/code/confirm/", {"code": code})
        assert (signed_in_email(client) == "alice@example.org") is works, seconds
        clock.shift(timedelta(minutes=10))  # past the limit of codes to one address


def test_sign_up_code_lifetime_a_code_works_900_seconds_after_it_was_mailed_and_not_901(
    clock: TimeMachineFixture,
) -> None:
    for seconds, email in ((900, "erin@example.org"), (901, "finn@example.org")):
        client = Client()
        client.post("/accounts/signup/", {"email": email})
        code = code_in_last_mail(email)
        clock.shift(timedelta(seconds=seconds))
        client.post(SIGN_UP_CONFIRM, {"code": code})
        assert EmailAddress.objects.filter(email=email, verified=True).exists() is (seconds == 900), seconds


# --- how many codes are mailed: 3 to one address from one network in 10 minutes, 10 a minute
# from one network, 30 an hour to one address from every network -----------------------------


def test_codes_per_address_a_4th_code_within_10_minutes_is_refused_and_one_after_10_minutes_is_sent(
    clock: TimeMachineFixture, alice: User
) -> None:
    assert [ask_for_code(Client(), "alice@example.org") for _ in range(3)] == [1, 2, 3]
    refused = Client().post("/accounts/login/", {"login": "alice@example.org"})
    assert CODES_REFUSED in refused.content.decode()
    clock.shift(timedelta(minutes=9, seconds=59))
    assert ask_for_code(Client(), "alice@example.org") == 3  # still refused
    clock.shift(timedelta(seconds=1))  # ten minutes after the first
    assert ask_for_code(Client(), "alice@example.org") == 4


def test_codes_per_network_address_the_11th_request_within_a_minute_is_refused(clock: TimeMachineFixture) -> None:
    for number in range(1, 11):
        make_person(f"p{number}@example.org")
    sent = [ask_for_code(Client(), f"p{number}@example.org") for number in range(1, 11)]
    assert sent == list(range(1, 11))
    make_person("p11@example.org")
    refused = Client().post("/accounts/login/", {"login": "p11@example.org"})
    assert refused.status_code == 429 or CODES_REFUSED in refused.content.decode()
    assert len(mail.outbox) == 10
    clock.shift(timedelta(minutes=1))
    assert ask_for_code(Client(), "p11@example.org") == 11


def test_sign_ups_per_network_address_the_6th_sign_up_within_a_minute_is_refused(clock: TimeMachineFixture) -> None:
    answers = [Client().post("/accounts/signup/", {"email": f"s{n}@example.org"}) for n in range(1, 7)]
    assert [a.status_code for a in answers[:5]] == [302] * 5
    assert answers[5].status_code == 429
    assert len(mail.outbox) == 5  # a code for each of the five, none for the sixth
    clock.shift(timedelta(minutes=1))
    assert Client().post("/accounts/signup/", {"email": "s7@example.org"}).status_code == 302


# --- staff: the second factor lasts 12 hours ----------------------------------------------------


def test_staff_second_factor_lasts_12_hours_to_the_second(clock: TimeMachineFixture) -> None:
    staff = User.objects.create_superuser("root", "root@example.org", None)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    client = staff_client(staff)
    clock.shift(timedelta(hours=11, minutes=59, seconds=59))
    assert client.get("/admin/").status_code == 200
    clock.shift(timedelta(seconds=1))
    asked = client.get("/admin/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/2fa/reauthenticate/")
