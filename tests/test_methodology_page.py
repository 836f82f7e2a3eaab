"""The methodology page is docs/methodology.md itself, readable, and the pages that show a
figure or a verdict link to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

METHODOLOGY = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"


def test_the_page_is_rendered_from_the_file(client: Client, db: None) -> None:
    text = METHODOLOGY.read_text(encoding="utf-8")
    page = client.get(reverse("methodology")).content.decode()
    headings = re.findall(r"^##+ (.+)$", text, re.MULTILINE)
    assert len(headings) > 10
    for heading in headings:
        # Headings keep their words (markdown-it escapes "&" and quotes as the page does).
        assert heading.replace("&", "&amp;").replace('"', "&quot;") in page, heading
    assert "A report's weight halves every 12 months (365 days), the" in page
    # Readable: the file's tables are tables, and a contents list leads to every main section.
    assert page.count("<table>") == len(re.findall(r"^ *\| ---", text, re.MULTILINE))
    assert page.index('id="how-caretime-computes-what-it-shows"') < page.index('<nav class="methodology-contents"')
    assert 'href="#the-verdict-good-avoid-or-unknown"' in page
    assert 'id="the-verdict-good-avoid-or-unknown"' in page


@pytest.mark.django_db
def test_the_state_page_links_the_methodology_instead_of_citing_a_file(client: Client) -> None:
    page = client.get(reverse("billing-states")).content.decode()
    assert "docs/methodology.md" not in page
    assert f'href="{reverse("methodology")}#medicare-billing-indicators"' in page


def test_the_page_opens_with_how_we_decide_and_the_words_we_use(client: Client, db: None) -> None:
    page = client.get(reverse("methodology")).content.decode()
    summary, details = page.split('data-reading="detail"')
    assert 'id="how-we-decide"' in summary
    assert 'id="words-we-use"' in summary
    for word in ("One-on-one", "Patient mill", "Aide", "Care Time", "NPI"):
        assert f"<strong>{word}</strong>" in summary, word
    # The rules in full follow, with their contents list; the summary is not listed twice.
    assert '<nav class="methodology-contents"' in details
    assert 'href="#how-we-decide"' not in page
    assert 'id="the-verdict-good-avoid-or-unknown"' in details
