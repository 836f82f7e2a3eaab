"""Every page links to how we decide, privacy and contact; the privacy page is docs/privacy.md
itself; the contact page gives the configured address."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRIVACY = Path(__file__).resolve().parent.parent / "docs" / "privacy.md"


@pytest.mark.parametrize("page", ["home", "about", "methodology", "privacy", "contact", "review-policy"])
def test_every_page_links_to_how_we_decide_privacy_contact_and_open_data(client: Client, page: str) -> None:
    html = client.get(reverse(page)).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for target in ("methodology", "privacy", "contact", "open-data"):
        assert f'href="{reverse(target)}"' in footer, f"{page} has no footer link to {target}"


def test_the_privacy_page_is_the_privacy_document(client: Client) -> None:
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    headings = [line.lstrip("# ").strip() for line in PRIVACY.read_text().splitlines() if line.startswith("## ")]
    assert headings, "docs/privacy.md has sections"
    for heading in headings:
        assert heading.replace("&", "&amp;") in html  # every section of the file, as a heading of the page
    assert html.count("<h1") == 1


@override_settings(CONTACT_EMAIL="hello@caretime.example")
def test_the_contact_page_gives_the_configured_address(client: Client) -> None:
    html = client.get(reverse("contact")).content.decode()
    assert 'href="mailto:hello@caretime.example"' in html
    assert "what is wrong, and what is right" in html  # how to ask for a correction to a listing
