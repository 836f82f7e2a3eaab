"""The ask-before-booking page: the script, the call report form, and every bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caretime.directory.models import Clinic
from caretime.reports.models import CallReport
from tests.factories import make_clinic, today

pytestmark = pytest.mark.django_db


def month(offset: int = 0) -> str:
    index = today().year * 12 + today().month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def mill_answers(**changes: Any) -> dict[str, Any]:
    data = {
        "discipline": "pt",
        "called_in": month(),
        "therapist_minutes": "30",
        "care": "shared",
        "other_patients": "2",
        "visits": "first_visit_only",
        "follow_up_by": "aide",
        "visit_length_minutes": "60",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Test PT", latitude=41.9227, longitude=-87.6533, disciplines=("pt", "ot"))


def ask_url(clinic: Clinic, discipline: str = "pt") -> str:
    return reverse("ask-before-booking", args=[clinic.pk, discipline])


def test_the_script_asks_the_three_questions_with_the_clinic_phone(client: Client, clinic: Clinic) -> None:
    page = client.get(ask_url(clinic)).content.decode()
    assert "How much time do I get with the therapist" in page
    assert "one-on-one, or will the therapist see other patients at the same time" in page
    assert "every appointment, for the whole time, or only on" in page
    assert "45 minutes or more with the therapist" in page
    assert 'href="tel:3125550100"' in page
    assert "verdict-unknown" in page


def test_the_script_follows_the_persons_bar(client: Client, clinic: Clinic) -> None:
    client.post(reverse("set-bar"), {"min_minutes": "60", "every_visit": "yes", "next": "/"})
    assert "60 minutes or more with the therapist" in client.get(ask_url(clinic)).content.decode()


def test_recording_a_mill_answer_shows_avoid_with_three_reasons(client: Client, clinic: Clinic) -> None:
    response = client.post(ask_url(clinic), mill_answers(note="They were friendly."))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('clinic-detail', args=[clinic.pk])}?discipline=pt#what-you-were-told"
    page = client.get(response["Location"]).content.decode()
    assert "What you were told is a sign of a patient mill." in page
    assert "verdict-avoid" in page
    assert "About 30 minutes or less one-on-one with the therapist (1 call" in page
    assert "The therapist treats other patients at the same time (1 call" in page
    assert "One-on-one only on the first visit (1 call" in page
    report = CallReport.objects.get()
    assert report.called_in == today().replace(day=1)  # month precision only
    assert report.note == "They were friendly."
    assert "They were friendly" not in page  # notes stay private until screened


def test_a_call_report_stores_no_identity(clinic: Clinic) -> None:
    names = {field.name for field in CallReport._meta.get_fields()}
    assert not names & {"user", "ip", "ip_address", "address", "email", "session", "created_at", "user_agent"}


def test_they_would_not_say_is_an_answer(client: Client, clinic: Clinic) -> None:
    data = mill_answers(
        therapist_minutes="",
        minutes_withheld="on",
        care="not_said",
        other_patients="",
        visits="not_said",
        follow_up_by="not_said",
    )
    assert client.post(ask_url(clinic), data).status_code == 302
    report = CallReport.objects.get()
    assert report.therapist_minutes is None
    assert report.minutes_withheld


BAD_INPUTS = [
    ({"therapist_minutes": "241"}, "Enter a whole number from 0 to 240."),
    ({"therapist_minutes": "-1"}, "Enter a whole number from 0 to 240."),
    ({"therapist_minutes": "half an hour"}, "Enter a whole number from 0 to 240."),
    ({"other_patients": "21"}, "Enter a whole number from 0 to 20."),
    ({"other_patients": "-2"}, "Enter a whole number from 0 to 20."),
    ({"visit_length_minutes": "500"}, "Enter a whole number from 0 to 240."),
    # months as seen from tests.clock.NOON (June 2026): this list is built when the module is
    # imported, before any test stops the clock
    ({"called_in": "2026-07"}, "The month of the call is in the future"),
    ({"called_in": "2023-02"}, "more than 3 years old"),
    ({"called_in": "last week"}, "Enter the month of the call as year-month"),
    ({"called_in": "2026-13"}, "Enter the month of the call as year-month"),
    ({"called_in": None}, "Enter the month of the call"),
    ({"discipline": "slp"}, "Choose a therapy this clinic offers."),
    ({"care": None}, "Choose one-on-one, shared"),
    ({"care": "sometimes"}, "from the list"),
    ({"visits": None}, "Choose every visit, first visit only"),
    ({"follow_up_by": None}, "Choose who treats on follow-up visits."),
    ({"note": "x" * 1001}, "Keep the note to 1,000 characters or fewer."),
    ({"therapist_minutes": ""}, "Enter the minutes with the therapist, or tick"),
    ({"minutes_withheld": "on"}, "give the minutes or tick the box, not both"),
    (
        {"therapist_minutes": "60", "visit_length_minutes": "30"},
        "60 minutes with the therapist cannot fit in a 30-minute visit",
    ),
    ({"care": "one_on_one"}, "One-on-one and other patients disagree"),
    ({"other_patients": "0"}, "Shared and other patients disagree"),
    ({"care": "not_said"}, "“They would not say” and other patients disagree"),
    ({"visits": "every_visit"}, "Every visit and who treats on follow-up visits disagree"),
    (
        {"care": "one_on_one", "other_patients": "", "therapist_minutes": "0", "follow_up_by": "therapist"},
        "one-on-one care with 0 minutes",
    ),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_a_clear_message_and_kept(
    client: Client, clinic: Clinic, changes: dict[str, Any], message: str
) -> None:
    data = mill_answers(**changes)
    response = client.post(ask_url(clinic), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "nothing was saved yet" in page
    assert CallReport.objects.count() == 0
    # What the person typed is still there.
    for name in ("therapist_minutes", "other_patients", "visit_length_minutes"):
        if data.get(name) not in (None, "") and data[name].lstrip("-").isdigit():
            assert f'name="{name}" value="{data[name]}"' in page
    if data.get("care") in ("shared", "one_on_one", "not_said"):
        assert radio_checked(page, "care", data["care"])


def radio_checked(page: str, name: str, value: str) -> bool:
    tags = re.findall(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', page)
    return len(tags) == 1 and " checked" in tags[0]


def test_impossible_combination_marks_both_fields(client: Client, clinic: Clinic) -> None:
    page = client.post(
        ask_url(clinic), mill_answers(therapist_minutes="60", visit_length_minutes="30")
    ).content.decode()
    assert 'id="id_therapist_minutes_error"' in page
    assert 'id="id_visit_length_minutes_error"' in page
    # the summary names the message once
    assert page.count("cannot fit in a 30-minute visit") == 3  # summary + the two fields


def test_unknown_clinic_or_therapy_is_404(client: Client, clinic: Clinic) -> None:
    assert client.get(reverse("ask-before-booking", args=[999_999, "pt"])).status_code == 404
    assert client.get(reverse("ask-before-booking", args=[clinic.pk, "xx"])).status_code == 404


def test_three_reports_per_clinic_per_day_then_429_with_retry_after(client: Client, clinic: Clinic) -> None:
    for _ in range(3):
        assert client.post(ask_url(clinic), mill_answers()).status_code == 302
    response = client.post(ask_url(clinic), mill_answers(therapist_minutes="25"))
    page = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 86_400
    assert "3 reports about this clinic in the last 24 hours" in page
    assert 'name="therapist_minutes" value="25"' in page  # kept
    assert CallReport.objects.count() == 3
    other = make_clinic("Other PT", latitude=41.93, longitude=-87.64)
    assert client.post(ask_url(other), mill_answers()).status_code == 302  # another clinic is fine


def test_ten_reports_an_hour_per_client_then_429(client: Client, db: None) -> None:
    clinics = [make_clinic(f"PT {i}", latitude=41.9 + i / 100, longitude=-87.65) for i in range(11)]
    for clinic in clinics[:10]:
        assert client.post(ask_url(clinic), mill_answers()).status_code == 302
    response = client.post(ask_url(clinics[10]), mill_answers())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    # Another client address is counted apart.
    assert client.post(ask_url(clinics[10]), mill_answers(), REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_refused_form_does_not_use_up_the_limit(client: Client, clinic: Clinic) -> None:
    for _ in range(5):
        assert client.post(ask_url(clinic), mill_answers(therapist_minutes="999")).status_code == 400
    for _ in range(3):
        assert client.post(ask_url(clinic), mill_answers()).status_code == 302


def test_after_the_call_the_search_is_kept_and_the_letter_says_what_they_were_told(
    client: Client, clinic: Clinic
) -> None:
    search = "near=60614&radius_miles=10&insurance=aetna"
    response = client.post(f"{ask_url(clinic)}?{search}", mill_answers())
    assert response["Location"] == (
        f"{reverse('clinic-detail', args=[clinic.pk])}?near=60614&radius_miles=10&discipline=pt&insurance=aetna"
        "#what-you-were-told"
    )
    page = client.get(response["Location"]).content.decode()
    back = f'href="{reverse("clinic-search")}?near=60614&amp;radius_miles=10&amp;discipline=pt&amp;insurance=aetna"'
    assert back in page  # "Back to your search" keeps the therapy and insurance searched
    letters = client.get(reverse("clinic-letters", args=[clinic.pk, "pt"])).content.decode()
    told = letters[letters.index('id="text-told"') :]
    assert "I was told: 30 minutes, shared with 2 other patients, one-on-one only on the first visit." in told
    # Another browser never sees this person's call.
    assert (
        "I was told: [what they told you"
        in Client().get(reverse("clinic-letters", args=[clinic.pk, "pt"])).content.decode()
    )
