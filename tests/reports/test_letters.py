"""The letters a person edits, copies, sends and prints; the call script as a sheet to print.
Real HTTP through Django's test client (the browser side is in tests/browser)."""

from __future__ import annotations

import html
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.directory.models import Clinic
from caretime.reports.letters import LETTER_MAX_CHARS, MAILTO_MAX_CHARS, mailto_link, too_long_for_mailto

pytestmark = pytest.mark.django_db


def test_letters_are_editable_with_the_persons_details_as_placeholders(
    client: Client, lincoln_park: dict[str, Clinic]
) -> None:
    page = client.get(reverse("clinic-letters", args=[lincoln_park["mill"].pk, "pt"])).content.decode()
    assert page.count("<textarea") == 5  # before the call, after it, not interested, clinic, insurer
    assert "readonly" not in page
    assert "[Your name]" in page
    assert "Member ID: [your member ID]" in page
    assert 'href="mailto:?subject=' in page
    # Copy is a static script's button, hidden until the script shows it; no inline script (CSP).
    assert "data-copy=" in page
    assert "reports/letters.js" in page
    assert "<script>" not in page


def test_the_email_link_carries_the_whole_letter(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = client.get(reverse("clinic-letters", args=[lincoln_park["mill"].pk, "pt"])).content.decode()
    start = page.index('href="mailto:', page.index('id="letter-clinic"')) + len('href="')
    link = html.unescape(page[start : page.index('"', start)])
    body = unquote(link.split("&body=", 1)[1])
    assert "Dear Mill PT team" in body
    assert "\r\n" in body  # line breaks as RFC 6068 asks
    assert body.endswith("Phone or e-mail: [your phone number or e-mail address]")


# The package's autouse fixture only empties the rate-limit cache; no example depends on it.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=3000))
def test_an_email_link_is_never_longer_than_the_limit_and_never_cut(body: str) -> None:
    link = mailto_link("Subject", body)
    assert len(link) <= MAILTO_MAX_CHARS
    sent = unquote(link.split("&body=", 1)[1]).replace("\r\n", "\n")
    assert sent in (body.replace("\r\n", "\n"), too_long_for_mailto())


def test_the_print_view_prints_the_letter_as_edited(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    url = reverse("clinic-letters", args=[lincoln_park["mill"].pk, "pt"])
    edited = "Dear team,\r\n\r\nPlease book me 60 minutes one-on-one.\r\n\r\nAda Example"
    response = client.post(f"{url}?print=clinic", {"text": edited})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please book me 60 minutes one-on-one.\n\nAda Example" in page
    assert "data-print" in page
    assert "reports/print.js" in page
    # What the person wrote about themselves never goes into a URL.
    assert "Ada" not in response.wsgi_request.get_full_path()


def test_a_bad_letter_is_refused_with_a_message_and_kept(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    url = reverse("clinic-letters", args=[lincoln_park["mill"].pk, "pt"])
    too_long = "My own words. " * (LETTER_MAX_CHARS // 10)
    response = client.post(f"{url}?print=insurer", {"text": too_long})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep the letter to 6000 characters or fewer" in page
    assert "My own words. My own words." in page
    assert 'aria-invalid="true"' in page
    empty = client.post(f"{url}?print=insurer", {"text": "   "})
    assert empty.status_code == 400
    assert "The letter is empty" in empty.content.decode()
    assert client.post(f"{url}?print=nonsense", {"text": "x"}).status_code == 404
    assert client.post(url, {"text": "x"}).status_code == 405


def test_the_call_script_prints_with_space_for_the_answers(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    clinic = lincoln_park["mill"]
    page = client.get(reverse("ask-before-booking", args=[clinic.pk, "pt"])).content.decode()
    assert "Print the script" in page
    assert "reports/print.js" in page
    assert page.count('class="write-line"') == 9  # three lines for each of the three answers
    assert "Date of the call" in page
    assert f"<dd>{clinic.name}" in page
    assert "reports/tools.css" in page
