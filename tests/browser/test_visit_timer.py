"""The visit timer on a phone, in Chromium against a live server: a signed-in patient times a
visit (Playwright's clock stands in for the 40 minutes), reloads and goes offline mid-visit,
finishes, checks the report form the timer filled in, sends it, and sees the clinic's Care Time
profile change. Also: the page without JavaScript, its layout for one thumb, its contrast, and
an axe audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.directory.models import Clinic
from caretime.reports.models import VisitReport
from caretime.verdicts.actions import record_visit_report
from tests.factories import make_clinic

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 667}
# The smallest comfortable target for a thumb.
MIN_TARGET_PX = 48


@dataclass
class Phone:
    """A page in a phone-sized browser context, with what it did that it must not do."""

    page: Page
    context: BrowserContext
    outside: list[str] = field(default_factory=list)  # requests to other hosts
    background: list[str] = field(default_factory=list)  # fetch/XHR requests: the timer makes none
    errors: list[str] = field(default_factory=list)  # console errors, CSP refusals among them


def _open_phone(browser: Browser, **options: Any) -> Phone:
    context = browser.new_context(viewport=PHONE, timezone_id="UTC", locale="en-US", **options)
    page = context.new_page()
    phone = Phone(page=page, context=context)

    # The same guard as the ``page`` fixture, on this phone-sized context.
    def watch(req: Request) -> None:
        host = req.url.split("/")[2] if "://" in req.url else ""
        if req.url.startswith(("http://", "https://")) and not host.startswith(("127.0.0.1", "localhost")):
            phone.outside.append(req.url)
        if req.resource_type in {"fetch", "xhr", "eventsource", "websocket"}:
            phone.background.append(req.url)

    context.on("request", watch)
    page.on("console", lambda message: phone.errors.append(message.text) if message.type == "error" else None)
    return phone


def _close_phone(phone: Phone) -> None:
    phone.context.close()
    assert phone.outside == [], f"the page requested other hosts: {phone.outside}"
    assert phone.background == [], f"the timer sent something in the background: {phone.background}"
    assert phone.errors == [], f"console errors (a CSP refusal?): {phone.errors}"


@pytest.fixture
def phone(browser: object) -> Iterator[Phone]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    opened = _open_phone(browser)
    yield opened
    _close_phone(opened)


@pytest.fixture
def phone_without_javascript(browser: object) -> Iterator[Phone]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    opened = _open_phone(browser, java_script_enabled=False)
    yield opened
    _close_phone(opened)


@pytest.fixture
def clinic(transactional_db: None) -> Clinic:
    cache.clear()  # rate-limit counters live in the cache, which a transactional test does not empty
    return make_clinic("Northside Motion PT", latitude=41.95, longitude=-87.66)


def _person(email: str) -> User:
    user = User.objects.create_user(username=email.split("@")[0], email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _sign_in(phone: Phone, base_url: str, user: User) -> None:
    """A session made by Django's test client, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    phone.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def _timer_url(base_url: str, clinic: Clinic) -> str:
    return f"{base_url}/clinics/{clinic.pk}/pt/visit-timer/"


def _storage_key(clinic: Clinic) -> str:
    return f"caretime.visit-timer.{clinic.pk}.pt"


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+(?:\.\d+)?", css_colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(locator: Locator) -> float:
    """WCAG contrast of an element's text on its own background (set on every button here)."""
    colour, background = locator.evaluate(
        "element => { const style = getComputedStyle(element); return [style.color, style.backgroundColor]; }"
    )
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _facts(minutes: int) -> VisitFacts:
    return VisitFacts(
        visit_kind=VisitKind.EARLY_FOLLOW_UP,
        scheduled_minutes=None,
        therapist_minutes=minutes,
        aide_minutes=0,
        other_patients=0,
        whole_time=WholeTime.YES,
        connected=False,
    )


def _profile_text(phone: Phone, base_url: str, clinic: Clinic) -> str:
    """The Care Time profile on the clinic's page (inside a closed <details>: its text, not its look)."""
    phone.page.goto(f"{base_url}/clinics/{clinic.pk}/")
    profile = phone.page.locator(".care-time-profile").first
    return " ".join((profile.text_content() or "").split())


def test_a_visit_timed_on_a_phone_fills_the_report_and_counts(live_server: Any, clinic: Clinic, phone: Phone) -> None:
    page = phone.page
    # The visit started an hour ago, by the phone's clock: this month, never in the future.
    start = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    month = date(start.year, start.month, 1)
    # Two other people reported 30 and 40 minutes: the profile shows figures from 3 people on.
    for number, minutes in ((1, 30), (2, 40)):
        record_visit_report(
            account=_person(f"other{number}@example.com"),
            clinic=clinic,
            discipline="pt",
            visited_in=month,
            facts=_facts(minutes),
        )
    patient = _person("patient@example.com")
    _sign_in(phone, live_server.url, patient)

    before = _profile_text(phone, live_server.url, clinic)
    assert "2 reports so far, from 2 different people" in before
    assert "Typical one-on-one time" not in before

    page.clock.install(time=start - timedelta(seconds=30))
    page.goto(_timer_url(live_server.url, clinic))
    page.clock.pause_at(start)
    timer = page.locator("#visit-timer")
    assert timer.is_visible()
    with_me = page.get_by_role("button", name="Therapist is with me")
    away = page.get_by_role("button", name="Therapist stepped away")
    status = page.get_by_role("status")
    clock = page.locator("#vt-with-time")
    away_clock = page.locator("#vt-away-time")
    interruptions = page.locator("#vt-interruptions")
    others = page.locator("#vt-others-count")
    assert clock.inner_text() == "0:00"
    assert with_me.get_attribute("aria-pressed") == "false"

    with_me.click()
    assert with_me.get_attribute("aria-pressed") == "true"
    assert away.get_attribute("aria-pressed") == "false"
    assert status.inner_text() == "Therapist is with you. The one-on-one clock is running."
    # The phone goes offline: nothing the timer does needs the network.
    phone.context.set_offline(True)
    page.clock.fast_forward("20:00")
    assert clock.inner_text() == "20:00"

    away.click()
    assert away.get_attribute("aria-pressed") == "true"
    assert with_me.get_attribute("aria-pressed") == "false"
    assert status.inner_text() == "Therapist stepped away. Interruptions: 1."
    away.click()  # a second tap changes nothing
    page.clock.fast_forward("05:00")
    assert (clock.inner_text(), away_clock.inner_text(), interruptions.inner_text()) == ("20:00", "5:00", "1")

    with_me.click()
    page.clock.fast_forward("15:00")
    page.get_by_role("button", name="One more other patient").click()
    assert others.inner_text() == "1"
    assert status.inner_text() == "Other patients you saw the therapist treat: 1."

    # Back online, the page reloads mid-visit: everything is still there, from the timestamps.
    phone.context.set_offline(False)
    page.reload()
    assert page.locator("#visit-timer").is_visible()
    assert (clock.inner_text(), away_clock.inner_text(), interruptions.inner_text(), others.inner_text()) == (
        "35:00",
        "5:00",
        "1",
        "1",
    )
    assert with_me.get_attribute("aria-pressed") == "true"
    stored = page.evaluate("key => JSON.parse(localStorage.getItem(key))", _storage_key(clinic))
    assert [change["type"] for change in stored["changes"]] == ["with", "away", "with", "others"]
    assert stored["finished"] is None

    page.get_by_role("button", name="Finish and report").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/pt/visit-report/\?from_timer=1$"))
    assert page.locator("#timer-filled").is_visible()
    assert page.get_by_label("Minutes one-on-one with a licensed therapist").input_value() == "35"
    assert page.get_by_label("Minutes with an aide or technician").input_value() == "5"
    assert page.get_by_label("Scheduled length of the visit (minutes)").input_value() == ""
    assert page.get_by_label("1 other patient", exact=True).is_checked()
    assert page.get_by_label("No, the therapist left me with an aide, on equipment or alone").is_checked()
    assert page.get_by_label("Month of the visit").input_value() == f"{start:%Y-%m}"
    assert page.locator('input[name="from_timer"]').input_value() == "True"
    assert not page.locator('input[name="visit_kind"]:checked').count()
    assert not page.locator('input[name="connected"]:checked').count()

    page.get_by_label("A follow-up visit: the 2nd to the 5th").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/\?discipline=pt$"))
    assert "Your visit report counts from now on" in page.locator(".messages").inner_text()

    report = VisitReport.objects.get(account=patient)
    assert (report.therapist_minutes, report.aide_minutes, report.other_patients) == (35, 5, 1)
    assert (report.whole_time, report.scheduled_minutes, report.from_timer) == ("no", None, True)
    assert report.visited_in == month

    # The median of 30, 35 and 40 minutes is the patient's own 35.
    after = _profile_text(phone, live_server.url, clinic)
    assert "Typical one-on-one time with the therapist" in after
    assert "35 minutes; 8 in 10 reported visits had 30 to 40 minutes" in after
    assert "From 3 reports by 3 different people" in after


def test_start_over_asks_first_and_the_count_stays_at_zero_or_more(
    live_server: Any, clinic: Clinic, phone: Phone
) -> None:
    page = phone.page
    page.clock.install(time=datetime.now(UTC) - timedelta(minutes=10))
    page.goto(_timer_url(live_server.url, clinic))
    fewer = page.get_by_role("button", name="One fewer other patient")
    status = page.get_by_role("status")
    assert fewer.get_attribute("aria-disabled") == "true"
    fewer.click(force=True)  # aria-disabled keeps it focusable and pressable; Playwright would wait
    assert page.locator("#vt-others-count").inner_text() == "0"
    assert status.inner_text() == "Other patients you saw the therapist treat: 0."

    page.get_by_role("button", name="Finish and report").click()  # nothing timed yet: stays
    assert status.inner_text() == "Nothing is timed yet. Press a button when your visit starts."
    assert page.url.endswith("/visit-timer/")

    page.get_by_role("button", name="Therapist stepped away").click()
    page.get_by_role("button", name="One more other patient").click()
    assert fewer.get_attribute("aria-disabled") == "false"
    page.clock.run_for("02:00")
    key = _storage_key(clinic)
    reset = page.locator("#vt-reset")
    reset.click()
    assert reset.inner_text() == "Press again to clear"
    assert status.inner_text() == "Press Start over again to clear this visit from your phone."
    assert page.evaluate("key => localStorage.getItem(key)", key) is not None
    reset.click()
    assert page.evaluate("key => localStorage.getItem(key)", key) is None
    assert status.inner_text() == "Cleared. Nothing of that visit is kept on your phone."
    assert reset.inner_text() == "Start over"
    assert page.locator("#vt-away-time").inner_text() == "0:00"
    assert page.locator("#vt-others-count").inner_text() == "0"
    assert page.get_by_role("button", name="Therapist stepped away").get_attribute("aria-pressed") == "false"


def test_an_uninterrupted_visit_fills_whole_time_yes_and_at_most_3_others(
    live_server: Any, clinic: Clinic, phone: Phone
) -> None:
    """Signed out: the form is filled all the same (sending it asks to sign in)."""
    page = phone.page
    start = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    page.clock.install(time=start - timedelta(seconds=30))
    page.goto(_timer_url(live_server.url, clinic))
    page.clock.pause_at(start)
    # Waiting on equipment before the therapist comes is time away, but no interruption.
    page.get_by_role("button", name="Therapist stepped away").click()
    page.clock.fast_forward("03:20")
    page.get_by_role("button", name="Therapist is with me").click()
    page.clock.fast_forward("09:31")
    for _ in range(5):
        page.get_by_role("button", name="One more other patient").click()
    assert page.locator("#vt-interruptions").inner_text() == "0"
    page.get_by_role("button", name="Finish and report").click()
    page.wait_for_url(re.compile(r"/visit-report/\?from_timer=1$"))
    assert page.get_by_label("Minutes one-on-one with a licensed therapist").input_value() == "10"
    assert page.get_by_label("Minutes with an aide or technician").input_value() == "3"
    assert page.get_by_label("3 or more other patients").is_checked()
    assert page.get_by_label("Yes, the whole time").is_checked()

    # Back on the timer: the visit is shown as finished, its clock stopped.
    page.clock.fast_forward("10:00")
    page.goto(_timer_url(live_server.url, clinic))
    assert page.locator("#vt-finished").is_visible()
    assert page.locator("#vt-with-time").inner_text() == "9:31"
    assert page.get_by_role("button", name="Therapist is with me").get_attribute("aria-pressed") == "false"
    page.locator("#vt-reset").click()
    page.locator("#vt-reset").click()
    assert not page.locator("#vt-finished").is_visible()
    # Nothing stored any more: the form opened "from the timer" is left as it is.
    page.goto(f"{live_server.url}/clinics/{clinic.pk}/pt/visit-report/?from_timer=1")
    assert not page.locator("#timer-filled").is_visible()
    assert page.get_by_label("Minutes one-on-one with a licensed therapist").input_value() == ""
    assert page.locator('input[name="from_timer"]').input_value() != "True"


def test_the_timer_fits_one_thumb_and_reads_in_daylight(live_server: Any, clinic: Clinic, phone: Phone) -> None:
    page = phone.page
    page.goto(_timer_url(live_server.url, clinic))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    buttons = page.locator("#visit-timer button")
    assert buttons.count() == 6
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= MIN_TARGET_PX, buttons.nth(index).inner_text()
        assert box["width"] >= MIN_TARGET_PX, buttons.nth(index).inner_text()
    timer_box = page.locator("#visit-timer").bounding_box()
    assert timer_box is not None
    for name in ("Therapist is with me", "Therapist stepped away"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box is not None
        assert box["width"] >= timer_box["width"] - 1, f"{name} is not full width"
        # Within reach of a thumb without scrolling: in the lower half of the first screen.
        assert box["y"] >= PHONE["height"] / 2, (name, box)
        assert box["y"] + box["height"] <= PHONE["height"], (name, box)
    # Large type: the running clock and the main buttons.
    assert float(page.locator("#vt-with-time").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    assert (
        float(
            page.get_by_role("button", name="Therapist is with me").evaluate(
                "e => parseFloat(getComputedStyle(e).fontSize)"
            )
        )
        >= 20
    )

    def contrasts() -> dict[str, float]:
        return {
            name: _contrast(page.get_by_role("button", name=name))
            for name in (
                "Therapist is with me",
                "Therapist stepped away",
                "One more other patient",
                "One fewer other patient",
                "Finish and report",
                "Start over",
            )
        }

    low = {name: ratio for name, ratio in contrasts().items() if ratio < 4.5}
    assert low == {}
    page.get_by_role("button", name="Therapist is with me").click()
    page.get_by_role("button", name="One more other patient").click()
    assert {name: ratio for name, ratio in contrasts().items() if ratio < 4.5} == {}
    page.get_by_role("button", name="Therapist stepped away").click()
    assert {name: ratio for name, ratio in contrasts().items() if ratio < 4.5} == {}


def test_axe_finds_no_serious_violation_on_the_timer(live_server: Any, clinic: Clinic, phone: Phone) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = phone.page
    axe = Axe()

    def serious() -> list[tuple[str, str, str]]:
        violations = axe.run(page).response["violations"]
        return [
            (v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in {"moderate", "serious", "critical"}
        ]

    page.goto(_timer_url(live_server.url, clinic))
    assert serious() == []
    # Status changes are announced politely; the running clock is not a live region.
    assert page.get_by_role("status").get_attribute("aria-live") == "polite"
    assert page.locator("#vt-with-time").evaluate(
        "e => e.closest('[aria-live], [role=status], [role=timer], [role=log], output') === null"
    )
    # Pressed buttons and a count above 0 have their own colours: audit those too.
    page.get_by_role("button", name="Therapist is with me").click()
    page.get_by_role("button", name="One more other patient").click()
    assert serious() == []
    page.get_by_role("button", name="Therapist stepped away").click()
    page.locator("#vt-reset").click()  # the confirmation state
    assert serious() == []


def test_without_javascript_the_page_says_so_and_links_to_the_form(
    live_server: Any, clinic: Clinic, phone_without_javascript: Phone
) -> None:
    page = phone_without_javascript.page
    page.goto(_timer_url(live_server.url, clinic))
    # Playwright's text and role engines skip <noscript>, so these read it by CSS.
    notice = page.locator("noscript .notice")
    assert notice.is_visible()
    assert "The visit timer needs JavaScript, which is off in this browser." in notice.inner_text()
    assert not page.locator("#visit-timer").is_visible()
    assert not page.get_by_role("button", name="Therapist is with me").count()
    link = notice.locator("a")
    assert link.inner_text() == "Report your visit"
    assert link.get_attribute("href") == f"/clinics/{clinic.pk}/pt/visit-report/"
    link.click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/pt/visit-report/$"))
    assert page.get_by_role("button", name="Send the report").is_visible()
    assert not page.locator("#timer-filled").is_visible()


def test_a_new_person_signs_up_by_code_times_a_visit_and_the_verdict_counts_it(
    live_server: Any, clinic: Clinic, phone: Phone
) -> None:
    """The whole way of a first-time contributor, as on a fresh ``make run``: the report form
    sends them to sign up, the code comes by mail, and they come back to time and send."""
    from django.core import mail

    page = phone.page
    page.goto(f"{live_server.url}/clinics/{clinic.pk}/?discipline=pt")
    assert "Unknown: ask before you book" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/clinics/{clinic.pk}/pt/visit-report/")
    page.get_by_role("link", name="Sign in or create an account").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_role("link", name="Create one").click()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url(re.compile(r"/accounts/signup/confirm/"))
    code = re.search(r"\b([A-Z]{4}-[A-Z]{4})\b", str(mail.outbox[-1].body))
    assert code is not None, mail.outbox[-1].body
    page.get_by_label(re.compile("code", re.IGNORECASE)).first.fill(code.group(1))
    page.get_by_role("button", name=re.compile("Confirm|Verify|Continue|Sign in", re.IGNORECASE)).first.click()
    # Signed in, back on the report form they came from, which now lets them send.
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/pt/visit-report/$"))
    assert "Sign in or create an account" not in page.locator("main").inner_text()
    assert EmailAddress.objects.get(email="newcomer@example.com").verified

    start = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    page.clock.install(time=start)
    page.goto(_timer_url(live_server.url, clinic))
    page.clock.pause_at(start + timedelta(seconds=1))
    page.get_by_role("button", name="Therapist is with me").click()
    page.clock.fast_forward("50:00")
    page.get_by_role("button", name="Finish and report").click()
    page.wait_for_url(re.compile(r"/visit-report/\?from_timer=1$"))
    assert page.get_by_label("Minutes one-on-one with a licensed therapist").input_value() == "50"
    assert page.get_by_label("Yes, the whole time").is_checked()
    page.get_by_label("A follow-up visit: the 6th or later").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/\?discipline=pt$"))
    verdict = page.locator("main").inner_text()
    assert "Your visit report counts from now on" in verdict
    # One patient's 50 minutes one-on-one on a follow-up: Good, as an early signal of one report.
    assert "Good: meets your bar" in verdict
    assert "Early signal" in verdict
    assert "1 report so far, from 1 person" in _profile_text(phone, live_server.url, clinic)
