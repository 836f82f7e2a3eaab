"""Stored reviews are screened again when a clinic's roster gains a clinician, and what the
writer previews is exactly what is published, through the real pages and API."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caretime.core.reviews import Rule
from caretime.directory.models import Clinic, Clinician
from caretime.reviews.models import Review
from caretime.reviews.services import moderate
from tests.datasets.helpers import individual_row, organization_row, run_command, write_file
from tests.datasets.test_import_doctors_clinicians import roster_row, write_roster
from tests.factories import clinic_page, make_clinic

pytestmark = pytest.mark.django_db

# "Quillfeather" is on no list of names: before the roster has her, nothing marks it a name.
TEXT = "Quillfeather rushed every visit and left me on the bike with an aide for most of the hour."


def person(name: str) -> User:
    user = User.objects.create_user(username=name, email=f"{name}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def moderator() -> User:
    return User.objects.get_or_create(username="moderator", defaults={"is_staff": True})[0]


def form(text: str) -> dict[str, str]:
    return {"discipline": "pt", "stars": "2", "text": text, "visited_in": f"{timezone.now():%Y-%m}", "connected": "no"}


def write_through_the_page(clinic: Clinic, writer: str, text: str) -> str:
    """Preview the text on the review form, send it as previewed, and have it published;
    returns the text the preview showed."""
    client = Client()
    client.force_login(person(writer))
    url = reverse("write-review", args=[clinic.pk, "pt"])
    page = client.post(url, form(text)).content.decode()
    shown = re.search(r'<blockquote class="review-text">(.*?)</blockquote>', page, re.DOTALL)
    fingerprint = re.search(r'name="previewed" value="([0-9a-f]+)"', page)
    assert shown is not None
    assert fingerprint is not None
    assert client.post(url, {**form(text), "previewed": fingerprint.group(1)}).status_code == 302
    moderate(Review.objects.get(clinic=clinic, account__username=writer), moderator=moderator(), rule=Rule.MEETS_POLICY)
    return html.unescape(shown.group(1).replace("<br>", "\n"))


def published(clinic: Clinic) -> list[str]:
    response = Client().get(f"/api/v1/clinics/{clinic.pk}/reviews")
    assert response.status_code == 200
    return [review["text"] for review in response.json()["reviews"]]


def api_preview(clinic: Clinic, text: str) -> Any:
    response = Client().post(
        "/api/v1/reviews/preview", json.dumps({"clinic_id": clinic.pk, "text": text}), content_type="application/json"
    )
    assert response.status_code == 200
    return response.json()


# --- after a roster import -------------------------------------------------------------------


def test_an_import_that_adds_a_clinician_screens_that_clinics_reviews_again(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    run_command(
        "import_nppes",
        write_file(
            tmp_path / "nppes.csv",
            [organization_row(111111111, "GOOD PT"), organization_row(111111112, "OTHER PT", street="9 ELM ST")],
        ),
    )
    good, other = Clinic.objects.get(name="GOOD PT"), Clinic.objects.get(name="OTHER PT")
    # Each clinic page seen before its review is published: what a worker kept of it (its
    # reviews, caretime.verdicts.clinic_page) must follow the publication and the new screening.
    assert "Quillfeather" not in Client().get(clinic_page(good.pk, "pt")).content.decode()
    write_through_the_page(good, "ann", TEXT)
    write_through_the_page(other, "bo", TEXT)
    assert published(good) == [TEXT]  # no roster yet: nothing marks the name
    assert "Quillfeather" in Client().get(clinic_page(good.pk, "pt")).content.decode()

    row = roster_row(200000001, "QUILLFEATHER", pac="1234567890", facility="GOOD PT", street="100 North Main Street")
    with django_capture_on_commit_callbacks(execute=True):
        out = run_command("import_doctors_clinicians", write_roster(tmp_path / "roster.csv", [row]))

    assert "roster links" in out
    assert Clinician.objects.get(last_name="QUILLFEATHER").clinics.get() == good
    assert published(good) == [TEXT.replace("Quillfeather", "The therapist")]
    assert "Quillfeather" not in Client().get(clinic_page(good.pk, "pt")).content.decode()
    assert published(other) == [TEXT]  # another clinic's roster did not change

    # The same file again adds nobody, and changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_doctors_clinicians", tmp_path / "roster.csv")
    assert published(good) == [TEXT.replace("Quillfeather", "The therapist")]


def test_a_registry_import_that_renames_a_clinician_screens_their_clinics_reviews_again(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    good = organization_row(111111111, "GOOD PT")
    run_command("import_nppes", write_file(tmp_path / "v1.csv", [good, individual_row(200000001, "SMITH", "ADA")]))
    clinic = Clinic.objects.get(name="GOOD PT")
    row = roster_row(200000001, "SMITH", pac="1234567890", facility="GOOD PT", street="100 North Main Street")
    run_command("import_doctors_clinicians", write_roster(tmp_path / "roster.csv", [row]))
    write_through_the_page(clinic, "gil", TEXT)
    assert published(clinic) == [TEXT]

    # Ada Smith is Ada Quillfeather now: the next registry file has her new name.
    renamed = write_file(tmp_path / "v2.csv", [good, individual_row(200000001, "QUILLFEATHER", "ADA")])
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_nppes", renamed)
    assert published(clinic) == [TEXT.replace("Quillfeather", "The therapist")]


def test_a_clinician_added_to_a_roster_in_the_admin_or_shell_counts_too(
    django_capture_on_commit_callbacks: Any,
) -> None:
    clinic = make_clinic("Riverside PT", latitude=41.92, longitude=-87.65)
    write_through_the_page(clinic, "cy", TEXT)
    clinician = Clinician.objects.create(first_name="Ada", last_name="Quillfeather", credential="PTA", discipline="pt")
    with django_capture_on_commit_callbacks(execute=True):
        clinician.clinics.add(clinic)
    assert published(clinic) == [TEXT.replace("Quillfeather", "The assistant")]


def test_the_command_screens_every_review_again_with_progress() -> None:
    clinic = make_clinic("Riverside PT", latitude=41.92, longitude=-87.65)
    write_through_the_page(clinic, "di", TEXT)
    write_through_the_page(clinic, "ed", "The front desk was kind and the gym was clean every single time I came in.")
    # Added as a bulk import would be, with no signal: only the command finds it.
    clinician = Clinician.objects.create(first_name="Ada", last_name="Quillfeather", credential="PT", discipline="pt")
    Clinician.clinics.through.objects.bulk_create([Clinician.clinics.through(clinician=clinician, clinic=clinic)])
    assert TEXT in published(clinic)
    # Seen before: the page's reviews are kept by this worker (caretime.verdicts.clinic_page).
    assert "Quillfeather" in Client().get(clinic_page(clinic.pk, "pt")).content.decode()

    out = run_command("rescreen_reviews")
    assert "Screening reviews again: reviews screened again 2 of 2" in out
    assert "Reviews screened again: 2" in out
    assert "Changed: 1" in out
    assert TEXT.replace("Quillfeather", "The therapist") in published(clinic)
    assert "Quillfeather" not in Client().get(clinic_page(clinic.pk, "pt")).content.decode()

    again = run_command("rescreen_reviews", "--clinic", str(clinic.pk))
    assert "Changed: 0" in again  # screening a screened text changes nothing


# --- the preview is what is published --------------------------------------------------------

# Roster names in several of the forms people write them, another person, a phone number.
WRITTEN = (
    "jane d. booked me twice, J. Doe was rushed, and Dr. Witfield (call 312-555-0199) sent me to "
    "Kayla at the front desk. Marcus's plan was fine; Will they call back? Grace period is short."
)


def test_the_preview_on_the_form_and_in_the_api_is_the_published_text() -> None:
    clinic = make_clinic("Lakeside Physical Therapy", latitude=41.92, longitude=-87.65)
    for first, last in (("Jane", "Doe"), ("Marcus", "Whitfield")):
        clinician = Clinician.objects.create(first_name=first, last_name=last, credential="PT", discipline="pt")
        Clinician.clinics.through.objects.bulk_create([Clinician.clinics.through(clinician=clinician, clinic=clinic)])

    on_the_form = write_through_the_page(clinic, "fay", WRITTEN)
    in_the_api = api_preview(clinic, WRITTEN)
    [shown] = published(clinic)

    assert on_the_form == in_the_api["text"] == shown
    for name in ("jane", "Doe", "Witfield", "Marcus", "Kayla", "555-0199"):
        assert name not in shown
    assert "Will they call back? Grace period is short." in shown
    assert html.escape(shown) in Client().get(clinic_page(clinic.pk, "pt")).content.decode()
    # Screening the published text again with the same roster changes nothing.
    assert api_preview(clinic, shown) == {**in_the_api, "changed": False, "found": []}
