"""The clinic page (the verdict, what to do next, the evidence), letters, the person's bar and compare."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from caretime.directory.models import Clinic
from caretime.reports.services import record_visit_report
from tests.answers import MIDDLING, MILL_VISIT, ONE_ON_ONE
from tests.factories import add_call, clinic_page, last_month, make_clinic, make_person

pytestmark = pytest.mark.django_db


def verdict_page(client: Client, clinic: Clinic, discipline: str = "pt", **query: str) -> str:
    response = client.get(clinic_page(clinic.pk, discipline), query)
    assert response.status_code == 200
    return response.content.decode()


def test_avoid_offers_good_alternatives_nearest_first_and_a_not_interested_message(
    client: Client, lincoln_park: dict[str, Clinic]
) -> None:
    page = verdict_page(client, lincoln_park["mill"])
    assert "verdict-avoid" in page
    assert "Clinics near you that meet your bar" in page
    assert page.index("Near Good PT") < page.index("Far Good PT")
    assert "Middling PT" not in page
    assert "Silent PT" not in page
    assert "I have decided not to book, because the time with the therapist would be about 30 minutes or less" in page
    assert 'href="sms:+13125550100?body=' in page
    assert 'href="mailto:?subject=' in page
    assert reverse("clinic-letters", args=[lincoln_park["mill"].pk, "pt"]) in page
    # Nothing nudges toward booking the clinic we warn about: no call script, no "ask" button.
    assert "Before you book, ask" not in page
    assert reverse("ask-before-booking", args=[lincoln_park["mill"].pk, "pt"]) not in page


def test_alternatives_stay_within_the_radius(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = verdict_page(client, lincoln_park["mill"], radius_miles="5")
    assert "Near Good PT" in page
    assert "Far Good PT" not in page  # about 9 miles away


def test_without_a_good_clinic_the_best_known_unknowns_are_labelled(
    client: Client, lincoln_park: dict[str, Clinic]
) -> None:
    client.post(reverse("set-bar"), {"min_minutes": "60", "every_visit": "yes", "next": "/"})
    page = verdict_page(client, lincoln_park["mill"])
    assert "We know of no clinic within 25 miles that offers physical therapy and meets your bar." in page
    # Nothing is offered under a label it does not deserve: only on request, and only the
    # clinic nothing speaks against (55 and 40 minutes are below a bar of 60).
    assert "Silent PT" not in page
    assert "Also show 1 clinic we know too little about, with nothing known against it" in page
    asked = verdict_page(client, lincoln_park["mill"], include_unknown="yes")
    alternatives = asked[asked.index('id="alternatives-heading"') :]
    assert "Silent PT" in alternatives
    assert "Unknown: ask before you book" in alternatives
    assert "Near Good PT" not in alternatives
    assert "Middling PT" not in alternatives


def test_good_reminds_to_confirm_in_writing(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = verdict_page(client, lincoln_park["good_near"])
    assert "verdict-good" in page
    assert "Good: meets your bar" in page
    assert "Call to book. Ask them to confirm it in writing." in page
    assert 'href="tel:3125550100"' in page
    assert "How to book" in page
    assert "Clinics near you" not in page


def test_not_enough_known_puts_the_call_script_first(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    silent = lincoln_park["silent"]
    page = verdict_page(client, silent)
    assert "verdict-unknown" in page
    script = page.index("How much time do I get with the therapist")
    assert script < page.index("Been here?") < page.index("Why we say this")
    assert reverse("ask-before-booking", args=[silent.pk, "pt"]) in page
    assert "Near Good PT" not in page  # the script first; other clinics once the clinic has answered


def test_the_bar_changes_the_verdict_everywhere(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    middling = lincoln_park["middling"]
    assert "verdict-unknown" in verdict_page(client, middling)
    url = clinic_page(middling.pk, "pt")
    response = client.post(reverse("set-bar"), {"min_minutes": "40", "every_visit": "yes", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert "verdict-good" in verdict_page(client, middling)
    api = client.get(f"/api/v1/clinics/{middling.pk}/verdict", {"discipline": "pt"}).json()
    assert api["verdict"] == "unknown"  # the API takes the bar from its own parameters


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"min_minutes": "29", "every_visit": "yes"}, "Choose a minimum from 30 to 60 minutes."),
        ({"min_minutes": "61", "every_visit": "yes"}, "Choose a minimum from 30 to 60 minutes."),
        ({"min_minutes": "lots", "every_visit": "yes"}, "The minimum is a whole number of minutes."),
        ({"min_minutes": "45", "every_visit": "maybe"}, "Choose whether one-on-one care on every visit is required."),
    ],
)
def test_a_bad_bar_is_refused_and_kept(client: Client, data: dict[str, str], message: str) -> None:
    response = client.post(reverse("set-bar"), {**data, "next": "/clinics/"})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{data["min_minutes"]}"' in page


def test_the_bar_never_redirects_elsewhere(client: Client) -> None:
    response = client.post(
        reverse("set-bar"), {"min_minutes": "50", "every_visit": "no", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_letters_to_clinic_and_insurer(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    url = reverse("clinic-letters", args=[lincoln_park["mill"].pk, "pt"])
    page = client.get(url).content.decode()
    assert "Request to the clinic" in page
    assert "Request to your insurer" in page
    assert "at least 45 minutes of one-on-one treatment with a licensed therapist" in page
    assert "Dear member services" in page
    assert "Member ID" in page
    printed = client.get(url, {"print": "insurer"})
    assert printed.status_code == 200
    assert "Dear member services" in printed.content.decode()
    assert client.get(url, {"print": "nonsense"}).status_code == 404


def test_the_clinic_page_leads_with_one_therapy_and_links_the_others(client: Client, db: None) -> None:
    clinic = make_clinic("Two Kinds Rehab", latitude=41.92, longitude=-87.65, disciplines=("pt", "ot"))
    add_call(clinic, MIDDLING, discipline="ot")
    whole = client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    page = whole[whole.index("<main") :]
    assert page.index("Physical therapy") < page.index("Unknown: ask before you book")
    assert "Other therapy here:" in page
    assert "Occupational therapy: Below your bar: fewer minutes" in page
    assert "?discipline=ot" in page
    assert reverse("ask-before-booking", args=[clinic.pk, "pt"]) in page
    whole = client.get(reverse("clinic-detail", args=[clinic.pk]), {"discipline": "ot"}).content.decode()
    ot = whole[whole.index("<main") :]
    assert ot.index("Occupational therapy") < ot.index("Below your bar: fewer minutes")
    assert "What the clinic said on calls" in ot


def test_a_therapy_the_clinic_does_not_list_falls_back_and_says_so(client: Client, db: None) -> None:
    clinic = make_clinic("Only PT", latitude=41.92, longitude=-87.65, disciplines=("pt",))
    response = client.get(reverse("clinic-detail", args=[clinic.pk]), {"discipline": "slp"})
    assert response.status_code == 200
    assert "This clinic does not list the therapy you searched for." in response.content.decode()


def test_the_old_verdict_address_leads_to_the_clinic_page_with_the_search_kept(
    client: Client, lincoln_park: dict[str, Clinic]
) -> None:
    mill = lincoln_park["mill"]
    response = client.get(
        reverse("clinic-verdict", args=[mill.pk, "pt"]), {"near": "60614", "radius_miles": "5", "insurance": "x"}
    )
    assert response.status_code == 301
    assert response["Location"] == (
        f"{reverse('clinic-detail', args=[mill.pk])}?near=60614&radius_miles=5&discipline=pt&insurance=x"
    )


def test_stated_answers_show_figures_only_from_three_calls(client: Client, db: None) -> None:
    clinic = make_clinic("Counted PT", latitude=41.92, longitude=-87.65)
    add_call(clinic, MIDDLING)
    add_call(clinic, MIDDLING)
    page = verdict_page(client, clinic)
    assert "31 to 44 minutes on 2 calls" in page
    assert "Minutes with the therapist: 40" not in page  # no figure yet, only the groups
    add_call(clinic, MIDDLING)
    page = verdict_page(client, clinic)
    # A range whose ends meet is one figure, never "40 to 40".
    assert "Minutes with the therapist: 40 minutes, median 40 (3 answers)" in page


def test_compare_puts_clinics_side_by_side(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    ids = [str(lincoln_park[k].pk) for k in ("mill", "good_near", "silent")]
    response = client.get(reverse("compare"), {"clinic": ids, "discipline": "pt", "near": "60614"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Mill PT") < page.index("Near Good PT") < page.index("Silent PT")
    for verdict in ("avoid", "good", "unknown"):
        assert f"verdict-{verdict}" in page
    assert "miles from 60614 (Chicago, IL)" in page
    assert "shared with other patients at the same time: 1" in page.lower()


@pytest.mark.parametrize(
    ("clinics", "message"),
    [
        (["1"], "Tick 2 to 4 clinics to compare."),
        (["1", "2", "3", "4", "5"], "Tick 2 to 4 clinics to compare."),
        (["1", "x"], "is not a clinic number"),
        (["999998", "999999"], "Some of those clinics do not exist"),
    ],
)
def test_compare_refuses_bad_choices(client: Client, db: None, clinics: list[str], message: str) -> None:
    response = client.get(reverse("compare"), {"clinic": clinics})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")


def test_a_therapy_the_clinic_does_not_offer_is_404(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    clinic = lincoln_park["mill"]  # physical therapy only
    for name in ("ask-before-booking", "clinic-verdict", "clinic-letters"):
        assert client.get(reverse(name, args=[clinic.pk, "slp"])).status_code == 404


def test_said_and_reported_disagreeing_is_said_on_the_clinic_page(client: Client, db: None) -> None:
    clinic = make_clinic("Gap PT", latitude=41.92, longitude=-87.65)
    add_call(clinic, ONE_ON_ONE)
    for number in range(4):
        person = make_person(f"gap{number}@example.org")
        record_visit_report(clinic=clinic, discipline="pt", visited_in=last_month(), facts=MILL_VISIT, account=person)
    page = verdict_page(client, clinic)
    gap = "Said and reported disagree: The clinic says one-on-one care; reports after visits show a therapist shared"
    assert page.index(gap) < page.index("<summary>Calls, visits and clinicians")  # seen without opening anything
