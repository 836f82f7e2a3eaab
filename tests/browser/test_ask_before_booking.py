"""A new user in Chromium: search a demo ZIP, open a clinic, record what it said on the phone,
see Avoid with its reasons, see clinics that meet the bar, open the request letter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from caretime.directory.demo import build_demo_region
from caretime.directory.insurance import CURATED_PLANS
from caretime.directory.models import Clinic, InsurancePlan
from caretime.reports.demo import build_demo_call_reports
from caretime.verdicts.sums import rebuild_verdict_sums

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_region(db: None) -> Clinic:
    """A small demo region with its call reports; returns a Chicago PT clinic nobody has called."""
    cache.clear()
    # A transactional test empties every table afterwards, the curated insurance plans of the
    # data migration too; the demo region draws from them, so put them back first.
    for slug, name in CURATED_PLANS:
        InsurancePlan.objects.update_or_create(slug=slug, defaults={"name": name, "is_curated": True})
    build_demo_region(seed=1, clinics=40)
    build_demo_call_reports(seed=1, today=timezone.now().date())
    rebuild_verdict_sums()  # as load_demo does after writing the reports in bulk
    uncalled = (
        Clinic.objects.filter(is_demo=True, state="IL", services__discipline="pt", call_reports__isnull=True)
        .order_by("id")
        .first()
    )
    assert uncalled is not None, "the demo region for seed 1 has an uncalled Chicago PT clinic"
    return uncalled


def test_a_new_user_records_a_mill_and_finds_better_clinics(live_server: Any, demo_region: Clinic, page: Any) -> None:
    """The page fixture also fails the test if any page requests another host."""
    clinic = demo_region

    page.goto(live_server.url + "/")
    page.get_by_label("ZIP code or city").fill(clinic.zip_code)
    page.get_by_label("Therapy").select_option("pt")
    page.get_by_role("button", name="Find clinics").click()
    page.wait_for_url(re.compile(r"/clinics/\?"))
    assert page.locator(".result").count() > 1

    page.locator(f'.result a[href^="/clinics/{clinic.pk}/?"]').click()
    page.get_by_role("heading", level=1, name=clinic.name).wait_for()
    # Nothing is known of this clinic: the call script comes first, then the form to record it.
    page.get_by_role("heading", name="Before you book, ask").wait_for()
    page.get_by_role("link", name="Record what they said").click()

    page.get_by_role("heading", name="Before you book, ask").wait_for()
    page.get_by_label("Minutes with the therapist per visit").fill("30")
    page.get_by_label("Shared with other patients at the same time").check()
    page.get_by_label("If shared: how many other patients at the same time?").fill("2")
    page.get_by_label("Only the first visit").check()
    page.get_by_label("An aide or technician").check()
    page.get_by_role("button", name="Record and see the verdict").click()

    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/\?.*discipline=pt.*#what-you-were-told$"))
    # First what they were told, judged against their bar; then the clinic's overall picture.
    told = page.locator("#told-heading")
    assert told.inner_text().strip() == "What you were told is a sign of a patient mill."
    assert "Tell them you are not interested" in page.locator(".next-step").first.inner_text()
    verdict = page.locator("#verdict-heading")
    assert verdict.inner_text().strip() == "Avoid: signs of a patient mill Early signal (1 call)"
    assert told.bounding_box()["y"] < verdict.bounding_box()["y"]
    assert page.get_by_role("link", name="Record what they said").count() == 0  # never "call again"
    reasons = page.locator(".reason-avoid").all_inner_texts()
    assert len(reasons) == 3
    assert any("About 30 minutes or less" in r for r in reasons)
    assert any("treats other patients at the same time" in r for r in reasons)
    assert any("only on the first visit" in r for r in reasons)

    alternatives = page.locator("section", has=page.get_by_role("heading", name="Clinics near you that meet your bar"))
    listed = alternatives.locator(".result")
    assert listed.count() >= 1
    assert listed.locator(".verdict-good").count() == listed.count()

    not_interested = page.get_by_label("A polite message to the clinic. Copy it, or send it as it is:")
    assert "I have decided not to book" in not_interested.input_value()

    page.get_by_role("link", name="Open the request letters").click()
    letter = page.locator("#text-clinic")
    text = letter.input_value()
    assert text.startswith(f"To: {clinic.name}")
    assert "one-on-one treatment with a licensed therapist" in text
    page.locator("#letter-clinic").locator("xpath=..").get_by_role("button", name="Print view").click()
    assert "Request for one-on-one care and a longer appointment slot" in page.locator(".letter-print").inner_text()


def test_the_script_fits_a_phone_and_prints_on_one_page(live_server: Any, demo_region: Clinic, browser: Any) -> None:
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    phone.goto(f"{live_server.url}/clinics/{demo_region.pk}/pt/ask/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.get_by_role("link", name=demo_region.formatted_phone).first.get_attribute("href", timeout=2000)

    desk = browser.new_page()
    for path in ("ask/", "letters/?print=clinic", "letters/?print=insurer"):
        desk.goto(f"{live_server.url}/clinics/{demo_region.pk}/pt/{path}")
        pdf = desk.pdf(format="Letter", prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, f"{path} prints on more than one page"
    phone.close()
    desk.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_serious_violation_on_the_ask_pages(
    live_server: Any, demo_region: Clinic, page: Any, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    clinic = demo_region.pk
    paths = [
        f"/clinics/{clinic}/pt/ask/",
        f"/clinics/{clinic}/?discipline=pt",
        f"/clinics/{clinic}/pt/letters/",
        f"/clinics/{clinic}/pt/letters/?print=clinic",
        f"/compare/?clinic={clinic}&clinic={clinic + 1}&discipline=pt&near={demo_region.zip_code}",
        f"/clinics/?near={demo_region.zip_code}&discipline=pt",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        serious = [
            (v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in {"moderate", "serious", "critical"}
        ]
        assert serious == [], f"{path}: {serious}"
    # A refused form must be as accessible as a fresh one.
    page.goto(f"{live_server.url}/clinics/{clinic}/pt/ask/")
    page.get_by_label("Minutes with the therapist per visit").fill("999")
    page.get_by_role("button", name="Record and see the verdict").click()
    page.get_by_role("alert").wait_for()
    violations = axe.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in {"moderate", "serious", "critical"}] == []


def test_the_bar_set_on_a_clinic_page_is_kept(live_server: Any, demo_region: Clinic, page: Any) -> None:
    page.goto(f"{live_server.url}/clinics/{demo_region.pk}/")
    page.locator("summary", has_text="Your bar: 45 minutes one-on-one, every visit").first.click()
    page.get_by_label("Minimum one-on-one minutes").fill("60")
    page.get_by_role("button", name="Use this bar").click()
    page.get_by_role("heading", level=1, name=demo_region.name).wait_for()
    assert page.get_by_label("Minimum one-on-one minutes").input_value() == "60"
    page.goto(f"{live_server.url}/clinics/{demo_region.pk}/pt/ask/")
    assert "60 minutes or more with the therapist" in page.locator(".script").inner_text()
