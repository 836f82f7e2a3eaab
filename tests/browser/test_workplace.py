"""A clinician reports their workplace in Chromium, and a job seeker finds the good ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from caretime.directory.demo import build_demo_region
from caretime.directory.insurance import CURATED_PLANS
from caretime.directory.models import Clinic, InsurancePlan
from caretime.workplace.demo import build_demo_worker_reports
from caretime.workplace.models import WorkerReport, WorkplaceFigures


@pytest.fixture
def region(transactional_db: None) -> Clinic:
    """A small demo region with its worker reports; returns a Chicago PT clinic with published
    figures of reports with an NPI on the roster."""
    for slug, name in CURATED_PLANS:
        InsurancePlan.objects.update_or_create(slug=slug, defaults={"name": name, "is_curated": True})
    build_demo_region(seed=1, clinics=60)
    build_demo_worker_reports(seed=1, today=timezone.now().date())
    figures = (
        WorkplaceFigures.objects.filter(clinic__state="IL", discipline="pt", npi_on_roster=True)
        .order_by("clinic_id")
        .first()
    )
    assert figures is not None, "the demo region for seed 1 has published figures in Chicago"
    return figures.clinic


def test_a_clinician_reports_without_an_account_and_sees_when_it_will_show(
    page: Any, live_server: Any, region: Clinic
) -> None:
    page.goto(f"{live_server.url}/clinics/{region.pk}/")
    # Opened as it was before the bar became a chip, which is a disclosure too (and comes first).
    page.locator("details:not(.bar-chip)").first.locator("summary").click()
    page.get_by_role("link", name="Work here? Say how it books patients, anonymously").first.click()
    page.get_by_role("radio", name="Physical therapist assistant").check()
    page.get_by_label("Patients scheduled per therapist per hour, on a typical hour").select_option("4")
    page.get_by_label("Patients scheduled per therapist per hour, at the busiest times").select_option("3")
    page.get_by_label("Length of one treatment slot (minutes)").fill("30")
    page.get_by_role("radio", name="every day").check()
    page.get_by_label("Productivity quota (%)").fill("95")
    page.get_by_label("Unpaid documentation time per day (minutes)").fill("45")
    page.get_by_role("radio", name="Often").check()
    page.locator("#id_would_recommend_1").check()  # "No"
    before = WorkerReport.objects.count()
    page.get_by_role("button", name="Send the report").click()
    # The peak below the typical hour is refused with what to check, the answers kept.
    assert "check both numbers" in page.locator("#form-errors").inner_text()
    assert page.get_by_label("Length of one treatment slot (minutes)").input_value() == "30"
    page.get_by_label("Patients scheduled per therapist per hour, at the busiest times").select_option("6")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(f"**/clinics/{region.pk}/#workplace-pt")
    assert "Your report is received" in page.locator(".messages").inner_text()
    assert WorkerReport.objects.count() == before + 1
    assert WorkerReport.objects.filter(published_in__isnull=True, role_group="assistant").count() >= 1


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation_on_the_workplace_pages(
    page: Any, live_server: Any, region: Clinic, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    for path in [
        f"/clinics/{region.pk}/pt/workplace-report/",
        f"/employers/?near={region.zip_code}&discipline=pt",
        "/employers/?near=nowhere",
    ]:
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        serious = [
            (v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in {"moderate", "serious", "critical"}
        ]
        assert serious == [], f"{path}: {serious}"
    page.goto(f"{live_server.url}/employers/?near={region.zip_code}&discipline=pt")
    assert page.locator("li.employer").count() >= 1
    assert region.name in page.locator("ol.results").inner_text()
