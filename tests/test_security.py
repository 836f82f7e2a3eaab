"""Security headers on every response, and no page that reaches for another host."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from caretime.directory.models import Clinic

pytestmark = pytest.mark.django_db

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
        # src/href that the browser fetches by itself (scripts, styles, images, fonts).
        fetched = re.findall(r'<(?:script|img|link|iframe|source)[^>]*(?:src|href)="([^"]+)"', html)
        assert fetched, url
        for address in fetched:
            assert not re.match(r"^(https?:)?//", address), f"{url} loads {address}"
        assert "<script>" not in html  # no inline scripts
        assert " style=" not in html  # no inline styles (the CSP forbids them)


def test_production_settings_turn_on_hsts_and_secure_cookies() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "k" * 40, "HTTPS": "true"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["31536000", "True", "True", "True"]
