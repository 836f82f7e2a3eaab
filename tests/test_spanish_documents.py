"""The methodology and privacy pages in Spanish: their own summary in Spanish first, then the
English details, marked as English so that a screen reader speaks them as such."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "spanish_title", "english_anchor"),
    [
        ("/es/about/methodology/", "Cómo decidimos", 'id="finding-clinics-near-you"'),
        ("/es/about/privacy/", "Su privacidad en caretime", 'id="what-pages-load"'),
    ],
)
def test_the_spanish_page_opens_with_its_spanish_summary(
    client: Client, address: str, spanish_title: str, english_anchor: str
) -> None:
    page = client.get(address).content.decode()
    assert '<html lang="es">' in page
    main = page[page.index("<main") :]
    details_at = main.index('<div class="methodology" lang="en">')
    assert main.index(spanish_title) < details_at
    details = main[details_at:]
    assert english_anchor in details  # the links into the rules still land


def test_the_english_page_has_no_language_switch_inside(client: Client) -> None:
    page = client.get("/about/methodology/").content.decode()
    assert 'lang="en">' not in page[page.index("<main") :]
    assert "How we decide" in page
