"""Who an API request acts for: a token's owner, or the signed-in person with a CSRF token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from ninja.errors import HttpError

from caretime.accounts.auth import InvalidToken, TokenOrSessionAuth, api_user, has_verified_email
from caretime.accounts.services import create_api_token
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def with_csrf(rf: RequestFactory, user: User, path: str = "/api/v1/anything") -> HttpRequest:
    """A POST as a browser page of the site sends it: CSRF cookie and matching header."""
    first = rf.get("/")
    token = get_token(first)
    request = rf.post(path, HTTP_X_CSRFTOKEN=token)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = first.META["CSRF_COOKIE"]
    request.user = user
    return request


def test_no_credentials_is_no_one(rf: RequestFactory) -> None:
    request = rf.get("/api/v1/anything")
    assert api_user(request) is None
    request.user = AnonymousUser()
    assert api_user(request) is None


def test_the_signed_in_person_reads_without_and_writes_with_a_csrf_token(rf: RequestFactory, alice: User) -> None:
    read = rf.get("/api/v1/anything")
    read.user = alice
    assert api_user(read) == alice

    forged = rf.post("/api/v1/anything")  # what another site can make a browser send
    forged.user = alice
    assert api_user(forged) is None

    assert api_user(with_csrf(rf, alice)) == alice


def test_a_failing_token_is_not_replaced_by_the_session(rf: RequestFactory, alice: User) -> None:
    request = rf.get("/api/v1/anything", HTTP_AUTHORIZATION="Bearer ct_not-a-real-token")
    request.user = alice
    assert api_user(request) is None


def test_a_token_of_a_deactivated_account_does_not_work(rf: RequestFactory, alice: User) -> None:
    created = create_api_token(user=alice, name="phone")
    alice.is_active = False
    alice.save()
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {created.secret}")) is None


def test_a_token_of_one_person_never_acts_for_another(rf: RequestFactory, alice: User, bob: User) -> None:
    alices = create_api_token(user=alice, name="phone")
    bobs = create_api_token(user=bob, name="phone")
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {alices.secret}")) == alice
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"bearer {bobs.secret}")) == bob


def test_the_ninja_auth_takes_a_token_or_a_session_with_csrf(rf: RequestFactory, alice: User) -> None:
    auth = TokenOrSessionAuth()
    created = create_api_token(user=alice, name="script")
    assert auth(rf.post("/api/v1/anything", HTTP_AUTHORIZATION=f"Bearer {created.secret}")) == alice
    with pytest.raises(InvalidToken):  # 401 invalid_token, not the 401 of sending none
        auth(rf.post("/api/v1/anything", HTTP_AUTHORIZATION="Bearer ct_wrong"))
    assert auth(with_csrf(rf, alice)) == alice

    forged = rf.post("/api/v1/anything")
    forged.user = alice
    with pytest.raises(HttpError) as refused:
        auth(forged)
    assert refused.value.status_code == 403


def test_filing_needs_a_verified_address(alice: User) -> None:
    unverified = make_person("dave@example.org", verified=False)
    assert has_verified_email(alice) is True
    assert has_verified_email(unverified) is False
    assert has_verified_email(AnonymousUser()) is False
    assert has_verified_email(None) is False
