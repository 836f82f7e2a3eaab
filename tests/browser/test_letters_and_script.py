"""A person edits a letter, copies it and opens it as an e-mail; prints the call script with
room to write the clinic's answers. Real Chromium against a live server."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.cache import cache

from caretime.directory.models import Clinic
from tests.answers import MILL
from tests.factories import add_call, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mill(db: None) -> Clinic:
    cache.clear()
    clinic = make_clinic("Northside Mill PT", latitude=41.92, longitude=-87.65)
    add_call(clinic, MILL)
    return clinic


def test_a_letter_is_edited_copied_and_sent_as_an_email(live_server: Any, mill: Clinic, page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/clinics/{mill.pk}/pt/letters/")
    section = page.locator("section", has=page.get_by_role("heading", name="Request to the clinic"))
    letter = section.get_by_label("Your letter (you can change every word):")
    text = letter.input_value()
    assert "[Your name]" in text
    letter.fill(text.replace("[Your name]", "Ada Example"))

    section.get_by_role("button", name="Copy the text").click()
    section.get_by_role("status").filter(has_text="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Ada Example" in copied
    assert "Dear Northside Mill PT team" in copied

    href = section.get_by_role("link", name="Send as an e-mail").get_attribute("href")
    assert href.startswith("mailto:?subject=Request%20for%20one-on-one%20care")
    body = unquote(href.split("&body=", 1)[1])
    assert "Ada Example" in body
    assert body.replace("\r\n", "\n") == letter.input_value().replace("\r\n", "\n")

    # The text message to the clinic follows the edited "not interested" message too.
    short = page.locator("section", has=page.get_by_role("heading", name="“Not interested” message"))
    short.get_by_label("Your letter (you can change every word):").fill("No thank you. Ada Example")
    sms = short.get_by_role("link", name="Send as a text message").get_attribute("href")
    assert sms == "sms:+13125550100?body=No%20thank%20you.%20Ada%20Example"

    # A letter made too long for one link is not cut off: the link asks to paste it instead.
    letter.fill("Long words. " * 300)
    note = section.get_by_text("too long to pass to a mail program in one link")
    note.wait_for()
    href = section.get_by_role("link", name="Send as an e-mail").get_attribute("href")
    assert len(href) <= 2000
    assert "press Copy" in unquote(href)

    # The print view prints the text as edited.
    letter.fill("Dear team,\n\nPlease book me a longer slot.\n\nAda Example")
    section.get_by_role("button", name="Print view").click()
    assert "Please book me a longer slot." in page.locator(".letter-print").inner_text()
    assert "Ada" not in page.url


def test_without_javascript_the_letter_is_selectable_and_the_email_link_works(
    live_server: Any, mill: Clinic, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/clinics/{mill.pk}/pt/letters/")
    letter = page.locator("#text-clinic")
    assert letter.is_editable()
    assert not page.get_by_role("button", name="Copy the text").first.is_visible()
    href = page.locator('[data-mailto="text-clinic"]').get_attribute("href")
    assert "Dear%20Northside%20Mill%20PT%20team" in href
    context.close()


def test_the_call_script_prints_on_one_page_with_lines_to_write_on(live_server: Any, mill: Clinic, page: Any) -> None:
    page.goto(f"{live_server.url}/clinics/{mill.pk}/pt/ask/")
    assert page.get_by_role("button", name="Print the script").is_visible()
    assert not page.locator(".write-line").first.is_visible()  # on paper only

    page.emulate_media(media="print")
    lines = page.locator(".answer-lines .write-line")
    assert lines.count() == 9
    for index in range(9):
        assert lines.nth(index).is_visible()
        assert lines.nth(index).bounding_box()["width"] > 300
    sheet = page.locator(".call-sheet")
    assert sheet.get_by_text("Date of the call").is_visible()
    assert sheet.get_by_text("Clinic").is_visible()
    assert sheet.get_by_text("Northside Mill PT").is_visible()
    assert sheet.locator("dd.blank").first.is_visible()
    for hidden in ("nav", "footer", "form", "button"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert not page.get_by_role("button", name="Print the script").is_visible()

    pdf = page.pdf(format="Letter", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
