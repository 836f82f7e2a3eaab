"""Reading needs no account; the account page does; allauth's pages are the site's pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from caretime.directory.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/clinics/?near=60614"])
def test_reading_never_needs_an_account(client: Client, chicago_clinics: dict[str, Clinic], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/accounts/login/">Sign in</a>' in html
    assert "sessionid" not in response.cookies  # reading does not even start a session
    if "near" in url:
        assert "Lincoln Park PT" in html


def test_the_account_page_needs_signing_in(client: Client) -> None:
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_the_menu_leads_a_signed_in_person_to_their_account(alice_client: Client) -> None:
    html = alice_client.get("/").content.decode()
    assert 'href="/account/">Your account</a>' in html
    assert ">Sign in</a>" not in html


def test_the_account_page_shows_the_address_and_whether_it_is_verified(alice_client: Client, alice: User) -> None:
    response = alice_client.get("/account/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@example.org" in html
    assert ">verified</span>" in html
    assert 'action="/accounts/logout/"' in html  # signing out is a form (POST, CSRF)
    assert "no-store" in response["Cache-Control"]


def _pending_code(client: Client, url: str) -> None:
    if url == "/accounts/login/code/confirm/":
        client.post("/accounts/login/", {"login": "alice@example.org"})
    if url == "/accounts/signup/confirm/":
        client.post("/accounts/signup/", {"email": "carol@example.org"})


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        ("/accounts/login/", False),
        ("/accounts/signup/", False),
        ("/accounts/login/code/", False),
        ("/accounts/login/code/confirm/", False),
        ("/accounts/signup/confirm/", False),
        ("/accounts/logout/", True),
        ("/accounts/email/", True),
        ("/account/", True),
    ],
)
def test_account_pages_look_like_the_site_and_load_nothing_from_elsewhere(
    client: Client, alice: User, url: str, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(alice)
    _pending_code(client, url)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert 'class="site-header"' in html  # the site's own layout and menu
    assert "/static/css/site.css" in html
    assert "Content-Security-Policy" in response.headers
    fetched = re.findall(r'<(?:script|img|link(?![^>]*rel="alternate")|iframe|source)[^>]*(?:src|href)="([^"]+)"', html)
    for address in fetched:
        assert not re.match(r"^(https?:)?//", address), f"{url} loads {address}"
    # No inline script (a JSON data block is not run, and the CSP allows it) and no inline style.
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert inline_scripts == [], url
    assert " style=" not in html, url
    assert "<style" not in html, url


@pytest.mark.parametrize(
    "url",
    ["/accounts/password/set/", "/accounts/password/change/", "/accounts/password/reset/", "/accounts/reauthenticate/"],
)
def test_there_are_no_password_pages(alice_client: Client, url: str) -> None:
    assert alice_client.get(url).status_code == 404
    assert alice_client.post(url, {"email": "alice@example.org", "password1": "x" * 20}).status_code == 404
    assert mail.outbox == []


def test_too_many_requests_get_the_sites_page(client: Client) -> None:
    for _ in range(5):  # settings.ACCOUNT_RATE_LIMITS["signup"]: 5 a minute from one address
        client.post("/accounts/signup/", {"email": f"person{_}@example.org"})
    response = client.post("/accounts/signup/", {"email": "one.more@example.org"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many requests" in html
    assert 'class="site-header"' in html
    assert not User.objects.filter(email="one.more@example.org").exists()
