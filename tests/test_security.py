"""Security headers on every response, no page that reaches for another host, and API writes
that no other website can make a visitor's browser send."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from caretime.accounts.services import create_api_token
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport

# Call reports are dated by the month: the clock stands still (tests.clock.NOON).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

PAGES = ["/", "/clinics/?near=60614", "/about/", "/api/v1/clinics", "/api/v1/openapi.json", "/no-such-page/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_response_carries_the_security_headers(client: Client, url: str) -> None:
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    script_src = re.search(r"script-src ([^;]+)", csp)
    assert script_src is not None
    assert "unsafe-inline" not in script_src.group(1)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_another_host(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    for url in ["/", "/clinics/?near=60614", f"/clinics/{clinic.pk}/", "/about/"]:
        html = client.get(url).content.decode()
        # src/href that the browser fetches by itself (scripts, styles, images, fonts); a link to the
        # page in another language (rel=alternate) is only an address, never fetched.
        fetched = re.findall(
            r'<(?:script|img|link(?![^>]*rel="alternate")|iframe|source)[^>]*(?:src|href)="([^"]+)"', html
        )
        assert fetched, url
        for address in fetched:
            assert not re.match(r"^(https?:)?//", address), f"{url} loads {address}"
        assert "<script>" not in html  # no inline scripts
        assert " style=" not in html  # no inline styles (the CSP forbids them)


def test_production_settings_turn_on_hsts_and_secure_cookies() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "k" * 40, "WORKER_REPORT_KEY": "w" * 40, "HTTPS": "true"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["31536000", "True", "True", "True"]


# --- the API is not a cross-site form ------------------------------------------------------

CALL = {
    "discipline": "pt",
    "called_in": "2026-01",
    "therapist_minutes": 40,
    "care": "one_on_one",
    "visits": "every_visit",
    "follow_up_by": "therapist",
}


def _call_reports(clinic: Clinic) -> str:
    return f"/api/v1/clinics/{clinic.pk}/call-reports"


def _month() -> str:
    return f"{timezone.now():%Y-%m}"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"discipline": "pt"}'),
        ("application/x-www-form-urlencoded", "discipline=pt"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("", '{"discipline": "pt"}'),
    ],
)
def test_a_write_that_is_not_json_is_a_415(
    client: Client, chicago_clinics: dict[str, Clinic], content_type: str, body: str
) -> None:
    response = client.generic(
        "POST",
        _call_reports(chicago_clinics["near"]),
        body,
        content_type=content_type,
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert "Content-Type: application/json" in response.json()["error"]["message"]
    assert CallReport.objects.count() == 0


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}]
)
def test_a_browser_write_from_another_site_is_refused(
    client: Client, chicago_clinics: dict[str, Clinic], headers: dict[str, str]
) -> None:
    body = {**CALL, "called_in": _month()}
    response = client.post(
        _call_reports(chicago_clinics["near"]), body, content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site_request"
    assert CallReport.objects.count() == 0


def test_our_own_pages_and_api_tokens_may_write(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    url = _call_reports(chicago_clinics["near"])
    body = {**CALL, "called_in": _month()}
    same_origin = client.post(url, body, content_type="application/json", headers={"Sec-Fetch-Site": "same-origin"})
    assert same_origin.status_code == 201
    token = create_api_token(user=User.objects.create_user("api", "api@example.org"), name="script").secret
    with_token = client.post(
        url,
        {**body, "therapist_minutes": 50},
        content_type="application/json",
        headers={"Sec-Fetch-Site": "cross-site", "Authorization": f"Bearer {token}"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert with_token.status_code == 201


@pytest.mark.parametrize(("field", "value"), [("therapist_minutes", True), ("therapist_minutes", "40")])
def test_a_number_must_be_a_number(
    client: Client, chicago_clinics: dict[str, Clinic], field: str, value: object
) -> None:
    body = {**CALL, "called_in": _month(), field: value}
    response = client.post(_call_reports(chicago_clinics["near"]), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == [field]
    assert CallReport.objects.count() == 0


@pytest.mark.parametrize("key", ["Therapist_minutes", "note_"])
def test_a_misspelt_key_is_refused_not_dropped(client: Client, chicago_clinics: dict[str, Clinic], key: str) -> None:
    body = {**CALL, "called_in": _month(), key: 40}
    response = client.post(_call_reports(chicago_clinics["near"]), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == [key]
    assert CallReport.objects.count() == 0
