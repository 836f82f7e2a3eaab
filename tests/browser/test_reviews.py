"""A patient writes a review naming a clinician, sees the name replaced before sending, and a
moderator publishes it from the admin; then it is on the clinic page, name still out."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from caretime.directory.models import Clinic, Clinician
from caretime.reviews.models import Review
from tests.factories import make_clinic
from tests.staff import staff_client


@pytest.fixture
def clinic(transactional_db: None) -> Clinic:
    clinic = make_clinic("Riverbend Physical Therapy", latitude=41.9, longitude=-87.65)
    clinic.clinicians.add(
        Clinician.objects.create(first_name="MARIA", last_name="GONZALEZ", credential="PT, DPT", discipline="pt")
    )
    return clinic


def sign_in(page: Any, base_url: str, user: User) -> None:
    """A session made by Django's test client, handed to the browser as its cookie."""
    if user.is_staff:
        client = staff_client(user)
    else:
        client = Client()
        client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def test_a_review_naming_a_clinician_is_screened_moderated_and_published(
    page: Any, live_server: Any, clinic: Clinic
) -> None:
    patient = User.objects.create_user("patient", "patient@example.org")
    EmailAddress.objects.create(user=patient, email=patient.email, verified=True, primary=True)
    sign_in(page, live_server.url, patient)
    page.goto(f"{live_server.url}/clinics/{clinic.pk}/")
    page.get_by_role("link", name="Review this clinic (PT)").click()
    assert page.get_by_role("link", name="Read the review policy").count() == 1
    page.get_by_role("radio", name="2").first.check()
    page.get_by_label("Your review of the clinic").fill(
        "Maria Gonzalez had three of us at once, so most of my hour was with an aide. Call 312-555-0142 to ask."
    )
    page.get_by_label("No", exact=True).first.check()
    page.get_by_role("button", name="Preview what will be published").click()
    preview = page.locator(".preview blockquote").inner_text()
    assert "Maria" not in preview
    assert "Gonzalez" not in preview
    assert "555-0142" not in preview
    assert "the therapist" in preview.lower()
    page.get_by_role("button", name="Send this review").click()
    page.wait_for_url("**/account/reports/")
    assert "waits for a moderator" in page.locator(".messages").inner_text()
    assert "Waiting for a moderator" in page.locator("#reviews-heading + ul").inner_text()
    page.goto(f"{live_server.url}/clinics/{clinic.pk}/")
    assert "No published reviews yet." in page.locator(".reviews").inner_text()

    User.objects.create_superuser("mod", "mod@example.org", "unused-password")
    sign_in(page, live_server.url, User.objects.get(username="mod"))
    page.goto(f"{live_server.url}/admin/reviews/review/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("decide_meets_policy")
    page.locator("button[name=index]").click()
    assert "1 review decided" in page.locator(".messagelist").inner_text()
    assert "Gonzalez" not in page.content()  # the moderator sees the screened text too

    page.goto(f"{live_server.url}/clinics/{clinic.pk}/")
    reviews = page.locator(".reviews").inner_text()
    assert "1 published review" in reviews
    assert "most of my hour was with an aide" in reviews
    assert "Gonzalez" not in reviews
    assert Review.objects.get().state == "published"


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation_on_the_review_pages(
    page: Any, live_server: Any, clinic: Clinic, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    for path in [
        f"/clinics/{clinic.pk}/pt/review/",
        "/about/review-policy/",
        f"/clinics/{clinic.pk}/reviews/not-recommended/",
    ]:
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        serious = [
            (v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in {"moderate", "serious", "critical"}
        ]
        assert serious == [], f"{path}: {serious}"
