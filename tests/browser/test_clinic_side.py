"""The clinic's side on the demo region, as on a fresh ``make run``: a person claims a demo clinic
with the code sent to its phone (the outbox sender), states its policy, sends a schedule,
answers a review, and the page shows it all; the demo clinic with an overlapping schedule shows
no badge."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from caretime.clinicside.demo import DEMO_DESK
from caretime.clinicside.models import Claim
from caretime.clinicside.senders import OUTBOX
from caretime.core.reviews import ReviewState, Rule
from caretime.core.statement import contradicting_people
from caretime.directory.models import Clinic
from caretime.reviews.models import ReviewAnswer
from caretime.reviews.services import moderate_answer
from caretime.verdicts.evidence import evidence_for_clinics
from tests.factories import make_person


def contradicted(clinic: Clinic) -> bool:
    witnesses = [item for items in evidence_for_clinics([clinic.pk]).values() for item in items]
    return contradicting_people(witnesses, one_on_one=True, every_visit=True, minutes=55) > 0


@pytest.fixture
def demo_region(transactional_db: None) -> None:
    OUTBOX.clear()
    call_command("load_demo", clinics=60, verbosity=0)


def test_a_demo_clinic_is_claimed_states_its_policy_answers_and_shows_the_badge(
    page: Any, live_server: Any, demo_region: None
) -> None:
    candidates = (
        Clinic.objects.filter(is_demo=True, services__discipline="pt", reviews__state=ReviewState.PUBLISHED.value)
        .exclude(claims__account__username=DEMO_DESK)
        .exclude(phone="")
        .order_by("pk")
    )
    # A clinic whose demo patients and clinicians do not say it shares its therapists (for one
    # that they do, the page says the schedule is contradicted: tests/clinicside).
    clinic = next(c for c in candidates if not contradicted(c))
    person = make_person("front-desk@example.org")
    client = Client()
    client.force_login(person)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/clinics/{clinic.pk}/?discipline=pt")
    page.get_by_role("link", name="Work at this clinic? Speak for it").click()
    page.get_by_label(re.compile("A text message to the clinic's phone number")).check()
    page.get_by_role("button", name="Send the code").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/claim/code/$"))
    found = re.search(r"code: (\d{4} \d{4})", OUTBOX[-1].text)
    assert found is not None
    assert OUTBOX[-1].to == clinic.phone
    page.get_by_label("The code").fill(found.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/manage/$"))

    page.get_by_label("Therapy").select_option("pt")
    page.get_by_label("Minutes one-on-one with a licensed therapist in a visit").fill("55")
    page.get_by_label("Yes, every visit").check()
    page.get_by_label("The most patients one therapist treats at the same time").fill("1")
    page.get_by_label("The therapist", exact=True).check()
    page.get_by_role("button", name="Save the statement").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/manage/$"))
    page.get_by_role("button", name="Send a demo schedule: one patient at a time").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/manage/$"))

    page.goto(f"{live_server.url}/clinics/{clinic.pk}/?discipline=pt")
    page.get_by_role("link", name="Answer this review for the clinic").first.click()
    page.get_by_label("The clinic's answer").fill("Thank you. We now book one patient per therapist each hour.")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(re.compile(rf"/clinics/{clinic.pk}/"))
    moderator = make_person("moderator@example.org")
    moderate_answer(ReviewAnswer.objects.get(), moderator=moderator, rule=Rule.MEETS_POLICY)

    page.goto(f"{live_server.url}/clinics/{clinic.pk}/?discipline=pt")
    text = page.locator("main").inner_text()
    assert "Stated by the clinic" in text
    assert "55 minutes, one-on-one, every visit" in text
    assert re.search(r"Schedule shows one-on-one \(sample of 4 weeks, .+ to .+\)", text)
    assert "Answer from the clinic" in text
    # The verdict's answer comes first; the clinic's word is under it.
    assert text.index("Stated by the clinic") > text.index("Why we say this")

    overlapping = Claim.objects.get(account__username=DEMO_DESK).clinic
    page.goto(f"{live_server.url}/clinics/{overlapping.pk}/")
    other = page.locator("main").inner_text()
    assert "Schedule shows one-on-one" not in other
    assert "books up to 2 patients with one therapist at the same time" in other
