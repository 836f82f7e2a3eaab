"""Personal API tokens on the account page: shown once, listed without the secret, revocable."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.formats import date_format

from caretime.accounts.auth import api_user
from caretime.accounts.models import ApiToken

# A token shows the day it was last used: the clock stands still (tests.clock.NOON).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SECRET = re.compile(r'value="(ct_[A-Za-z0-9_-]{43})"')


def create_token(client: Client, name: str) -> str:
    response = client.post("/account/tokens/", {"name": name})
    assert response.status_code == 201
    found = SECRET.search(response.content.decode())
    assert found, "the new token's secret is on the page"
    return found.group(1)


def test_a_new_token_is_shown_once_then_listed_without_its_secret(alice_client: Client, alice: User) -> None:
    response = alice_client.post("/account/tokens/", {"name": "my phone"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Copy it now: it is shown only this once." in html
    secret = SECRET.search(html)
    assert secret is not None
    assert html.count(secret.group(1)) == 1

    listing = alice_client.get("/account/").content.decode()
    assert "my phone" in listing
    assert "<td>never</td>" in listing  # not used yet
    assert secret.group(1)[:8] in listing  # its first characters tell it apart
    assert secret.group(1) not in listing
    assert "Copy it now" not in listing


def test_only_a_hash_of_the_secret_is_stored(alice_client: Client) -> None:
    secret = create_token(alice_client, "laptop")
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(secret in value for value in stored)


def test_a_token_makes_api_requests_as_its_owner_and_records_the_day(
    alice_client: Client, alice: User, rf: RequestFactory, django_assert_num_queries: object
) -> None:
    secret = create_token(alice_client, "script")
    request = rf.post("/api/v1/anything", HTTP_AUTHORIZATION=f"Bearer {secret}")  # no CSRF token needed
    assert api_user(request) == alice
    assert ApiToken.objects.get().last_used_on is not None

    used = alice_client.get("/account/").content.decode()
    assert f"<td>{date_format(timezone.localdate(), 'DATE_FORMAT')}</td>" in used
    assert "<td>never</td>" not in used
    # The day is written once a day: a second request that day only reads.
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert api_user(rf.get("/api/v1/anything", HTTP_AUTHORIZATION=f"Bearer {secret}")) == alice


def test_revoking_a_token_stops_it_working(alice_client: Client, rf: RequestFactory) -> None:
    secret = create_token(alice_client, "old tablet")
    token = ApiToken.objects.get()

    response = alice_client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain == [("/account/", 302)]
    html = response.content.decode()
    assert "The token “old tablet” is revoked" in html
    assert "You have no tokens." in html
    assert not ApiToken.objects.exists()
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {secret}")) is None


def test_another_persons_token_cannot_be_revoked(alice_client: Client, bob: User) -> None:
    create_token(alice_client, "alice's phone")
    token = ApiToken.objects.get()
    bob_client = Client()
    bob_client.force_login(bob)

    assert bob_client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert "alice&#x27;s phone" not in bob_client.get("/account/").content.decode()


def test_revoking_takes_a_post_and_a_signed_in_owner(alice_client: Client) -> None:
    create_token(alice_client, "phone")
    token = ApiToken.objects.get()
    assert alice_client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    anonymous = Client().post(f"/account/tokens/{token.pk}/revoke/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give the token a name, for example “my phone”."),
        ("x" * 61, "Keep the name to 60 characters or fewer (it has 61)."),
    ],
)
def test_a_bad_name_is_refused_and_kept_in_the_form(alice_client: Client, name: str, message: str) -> None:
    response = alice_client.post("/account/tokens/", {"name": name})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if name.strip():
        assert f'value="{name}"' in html  # what the person typed is still there
    assert not SECRET.search(html)
    assert not ApiToken.objects.exists()


def test_a_person_has_at_most_ten_tokens(alice_client: Client, alice: User) -> None:
    for number in range(10):
        create_token(alice_client, f"device {number}")
    response = alice_client.post("/account/tokens/", {"name": "one too many"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "You already have 10 tokens. Revoke one you no longer use, then create this one." in html
    assert 'value="one too many"' in html
    assert ApiToken.objects.filter(user=alice).count() == 10


def test_the_token_list_costs_the_same_queries_for_one_or_ten_tokens(
    alice_client: Client, django_assert_max_num_queries: object
) -> None:
    create_token(alice_client, "first")
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        alice_client.get("/account/")
    for number in range(9):
        create_token(alice_client, f"device {number}")
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        page = alice_client.get("/account/")
    assert page.content.decode().count("/revoke/") == 10
