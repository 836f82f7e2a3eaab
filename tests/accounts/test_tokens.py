"""Personal API tokens on the account page: shown once, listed without the secret, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
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
    assert '<td data-label="Last used">never</td>' in listing  # not used yet
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
    assert f'<td data-label="Last used">{date_format(timezone.localdate(), "DATE_FORMAT")}</td>' in used
    assert '<td data-label="Last used">never</td>' not in used
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


def test_a_new_token_expires_after_the_configured_days_shown_on_the_account_page(
    alice_client: Client, settings: Any
) -> None:
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()
    response = alice_client.post("/account/tokens/", {"name": "phone"})
    token = ApiToken.objects.get()
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)
    expiry_day = date_format(timezone.localtime(token.expires_at).date(), "DATE_FORMAT")
    assert f"It works until {expiry_day}" in response.content.decode()

    listing = alice_client.get("/account/").content.decode()
    assert "A token stops working 30 days after it is made." in listing
    assert f'<td data-label="Expires">{expiry_day}</td>' in listing
    assert '<td data-label="Last used">never</td>' in listing  # the last use, beside it


def test_by_default_a_token_lives_one_year(alice_client: Client) -> None:
    create_token(alice_client, "phone")
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == pytest.approx(timedelta(days=365), abs=timedelta(seconds=5))


def test_an_expired_token_is_refused_exactly_like_a_token_that_does_not_exist(
    alice_client: Client, rf: RequestFactory
) -> None:
    secret = create_token(alice_client, "old script")
    api = Client()
    assert api.get("/api/v1/me/visit-reports", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.get("/api/v1/me/visit-reports", HTTP_AUTHORIZATION=f"Bearer {secret}")
    unknown = api.get("/api/v1/me/visit-reports", HTTP_AUTHORIZATION=f"Bearer ct_{'x' * 43}")
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json()
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {secret}")) is None
    assert ApiToken.objects.get().last_used_on is not None  # the earlier use only; the refusal writes nothing

    listing = alice_client.get("/account/").content.decode()
    expired_day = date_format(timezone.localtime(ApiToken.objects.get().expires_at).date(), "DATE_FORMAT")
    assert f"expired on {expired_day}" in listing


def test_a_token_works_until_the_moment_it_expires(alice_client: Client, rf: RequestFactory) -> None:
    secret = create_token(alice_client, "script")
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {secret}")) is not None


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_tokens_an_expiry_a_year_after_they_were_made(alice: User) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_api_tokens")])
    old_apps = executor.loader.project_state([("accounts", "0001_api_tokens")]).apps
    made = timezone.now() - timedelta(days=400)
    recent = timezone.now() - timedelta(days=10)
    OldToken = old_apps.get_model("accounts", "ApiToken")
    OldToken.objects.create(user_id=alice.pk, name="old", prefix="ct_old", key_hash="a" * 64, created_at=made)
    OldToken.objects.create(user_id=alice.pk, name="recent", prefix="ct_rec", key_hash="b" * 64, created_at=recent)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    old = ApiToken.objects.get(name="old")
    assert old.expires_at == made + timedelta(days=365)
    assert old.has_expired()
    assert ApiToken.objects.get(name="recent").expires_at == recent + timedelta(days=365)
