"""Limits that hold across callers: a clinic-wide daily limit, repeats counted once, bursts
held for a moderator; none of them ever looks at what a report says."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.calls import CallAnswers, Care, FollowUpBy, Visits
from caretime.core.evidence import BURST_REPORTS_PER_HOUR, REPEAT_WINDOW_DAYS, Standing
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport, ModerationDecision, ReportArrival, ReporterSighting
from caretime.verdicts.actions import record_call_report
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Busy PT", latitude=41.92, longitude=-87.65)


def post_call(client: Client, clinic: Clinic, address: str, *, care: str = "one_on_one") -> Any:
    month = f"{timezone.now():%Y-%m}"
    body = {
        "discipline": "pt",
        "called_in": month,
        "therapist_minutes": 55 if care == "one_on_one" else 20,
        "care": care,
        "visits": "every_visit" if care == "one_on_one" else "first_visit_only",
        "follow_up_by": "therapist" if care == "one_on_one" else "aide",
    }
    return client.post(
        f"/api/v1/clinics/{clinic.pk}/call-reports", body, content_type="application/json", REMOTE_ADDR=address
    )


def test_eight_callers_from_eight_addresses_in_an_hour_do_not_all_count(client: Client, clinic: Clinic) -> None:
    answers = [post_call(client, clinic, f"198.51.100.{i}", care="shared") for i in range(8)]
    assert [a.status_code for a in answers] == [201] * 8
    standings = [a.json()["standing"] for a in answers]
    assert standings == ["counted"] * BURST_REPORTS_PER_HOUR + ["held"] * (8 - BURST_REPORTS_PER_HOUR)
    verdict = client.get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()
    assert verdict["reporters"] == BURST_REPORTS_PER_HOUR
    assert verdict["under_review"] is True
    assert CallReport.objects.filter(clinic=clinic).count() == 8  # held reports are kept
    page = client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "Unusual activity is being reviewed" in page


def _fill_the_clinic_day(clinic: Clinic, start: datetime) -> None:
    """10 reports about the clinic from everyone together, two hours apart (no burst), all
    within the 24 hours before ``start`` + 23 hours."""
    for i in range(10):
        report = record_call_report(
            clinic=clinic,
            discipline="pt",
            called_in=start.date(),
            answers=ONE_ON_ONE,
            now=start + timedelta(hours=2 * i),
        )
        assert report.standing == "counted"


def test_past_the_clinic_daily_cap_reports_are_held_never_refused(
    client: Client, admin_client: Client, clinic: Clinic
) -> None:
    # Ten addresses can fill any clinic's day: the eleventh report is stored and held, not refused.
    _fill_the_clinic_day(clinic, timezone.now() - timedelta(hours=23))
    sent = post_call(client, clinic, "203.0.113.200")
    assert sent.status_code == 201
    assert sent.json()["standing"] == "held"
    assert sent.json()["verdict"]["under_review"] is True
    assert sent.json()["verdict"]["reporters"] == 10  # the held report counts nowhere yet
    # the web form takes it too, and says it waits for a moderator
    form = client.post(
        reverse("ask-before-booking", args=[clinic.pk, "pt"]),
        {"discipline": "pt", "called_in": f"{timezone.now():%Y-%m}", "therapist_minutes": "47", "care": "one_on_one",
         "visits": "every_visit", "follow_up_by": "therapist"},
        REMOTE_ADDR="203.0.113.201",
        follow=True,
    )  # fmt: skip
    assert form.status_code == 200
    assert "wait for a moderator" in form.content.decode()
    assert CallReport.objects.filter(clinic=clinic, standing="held").count() == 2
    assert (
        "Unusual activity is being reviewed" in client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    )
    # A clinic whose own friendly reports fill its day shows up where moderators look.
    queue = admin_client.get("/admin/reports/callreport/", {"standing__exact": "held"}).content.decode()
    assert "or more than 10 within 24 hours" in queue
    assert queue.count("/admin/reports/callreport/") >= 2


def test_the_clinic_cap_slides_with_the_clock(clinic: Clinic) -> None:
    start = timezone.now()
    _fill_the_clinic_day(clinic, start)
    just_before = start + timedelta(hours=23, minutes=59)
    held = record_call_report(
        clinic=clinic, discipline="pt", called_in=start.date(), answers=ONE_ON_ONE, now=just_before
    )
    assert held.standing == "held"
    # held reports arrived too, so a flood keeps the cap full; once the day's reports have left
    # the window (a day after the tenth), the next one counts
    still_full = start + timedelta(days=1, minutes=2)
    assert (
        record_call_report(
            clinic=clinic, discipline="pt", called_in=start.date(), answers=ONE_ON_ONE, now=still_full
        ).standing
        == "held"
    )
    after = start + timedelta(days=1, hours=18, minutes=2)
    counted = record_call_report(clinic=clinic, discipline="pt", called_in=after.date(), answers=ONE_ON_ONE, now=after)
    assert counted.standing == "counted"


def test_repeats_from_one_connection_count_once_within_the_window(client: Client, clinic: Clinic) -> None:
    first, second = (post_call(client, clinic, "192.0.2.7") for _ in range(2))
    assert (first.json()["standing"], second.json()["standing"]) == ("counted", "repeat")
    assert second.json()["verdict"]["reporters"] == 1
    assert CallReport.objects.filter(clinic=clinic).count() == 2  # the repeat is kept
    assert post_call(client, clinic, "192.0.2.8").json()["standing"] == "counted"  # another connection
    # the sighting holds a keyed hash, never the address, and is not linked to a report
    assert not ReporterSighting.objects.filter(reporter_key__contains="192.0.2").exists()
    assert {f.name for f in ReporterSighting._meta.get_fields()} == {"id", "clinic", "reporter_key", "first_seen_on"}


def test_the_form_says_whether_a_report_counts(client: Client, clinic: Clinic) -> None:
    form = {"discipline": "pt", "called_in": f"{timezone.now():%Y-%m}", "therapist_minutes": "55",
            "care": "one_on_one", "visits": "every_visit", "follow_up_by": "therapist"}  # fmt: skip
    url = reverse("ask-before-booking", args=[clinic.pk, "pt"])
    first = client.post(url, form, REMOTE_ADDR="192.0.2.9", follow=True).content.decode()
    assert "recorded and counted below" in first
    again = client.post(url, form, REMOTE_ADDR="192.0.2.9", follow=True).content.decode()
    assert f"already counts from the last {REPEAT_WINDOW_DAYS} days" in again
    for i in range(BURST_REPORTS_PER_HOUR - 1):
        client.post(url, form, REMOTE_ADDR=f"192.0.2.{20 + i}")
    held = client.post(url, form, REMOTE_ADDR="192.0.2.99", follow=True).content.decode()
    assert "wait for a moderator before they count" in held
    assert "Unusual activity is being reviewed" in held


def test_a_repeat_counts_again_after_the_window(clinic: Clinic) -> None:
    start = timezone.now()
    first = record_call_report(
        clinic=clinic, discipline="pt", called_in=start.date(), answers=ONE_ON_ONE, reporter_key="k", now=start
    )
    later = start + timedelta(days=REPEAT_WINDOW_DAYS)
    again = record_call_report(
        clinic=clinic, discipline="pt", called_in=later.date(), answers=ONE_ON_ONE, reporter_key="k", now=later
    )
    assert (first.standing, again.standing) == (Standing.COUNTED, Standing.COUNTED)
    assert ReportArrival.objects.filter(arrived_at__lt=later - timedelta(days=1)).count() == 0  # old arrivals go


def test_moderators_release_or_reject_held_reports_and_the_decision_is_logged(
    admin_client: Client, admin_user: User, client: Client, clinic: Clinic
) -> None:
    for i in range(BURST_REPORTS_PER_HOUR + 2):
        post_call(client, clinic, f"198.51.100.{i}")
    held = list(CallReport.objects.filter(standing=Standing.HELD).order_by("pk"))
    assert len(held) == 2
    listing = admin_client.get("/admin/reports/callreport/?standing__exact=held")
    assert listing.status_code == 200
    assert "Held for review" in listing.content.decode()
    counted = CallReport.objects.filter(standing=Standing.COUNTED).first()
    assert counted is not None
    response = admin_client.post(
        "/admin/reports/callreport/",
        {"action": "release_held", "_selected_action": [str(held[0].pk), str(counted.pk)]},
        follow=True,
    )
    assert "1 held report released." in response.content.decode()
    admin_client.post("/admin/reports/callreport/", {"action": "reject_held", "_selected_action": [str(held[1].pk)]})
    held[0].refresh_from_db()
    held[1].refresh_from_db()
    assert (held[0].standing, held[1].standing) == (Standing.COUNTED, Standing.REJECTED)
    decisions = list(ModerationDecision.objects.order_by("pk"))
    assert [(d.report_id, d.decision, d.moderator_id) for d in decisions] == [
        (held[0].pk, "released", admin_user.pk),
        (held[1].pk, "rejected", admin_user.pk),
    ]
    assert all("burst" in d.rule and d.decided_at for d in decisions)
    verdict = client.get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()
    assert verdict["reporters"] == BURST_REPORTS_PER_HOUR + 1
    assert verdict["under_review"] is False
    assert admin_client.get(f"/admin/reports/moderationdecision/{decisions[0].pk}/change/").status_code == 200
    assert admin_client.get("/admin/reports/moderationdecision/add/").status_code == 403


# --- the burst rule never looks at what a report says -----------------------------------

SAYS = st.sampled_from(
    [
        ONE_ON_ONE,
        MILL,
        CallAnswers(20, False, Care.SHARED, 3, Visits.FIRST_VISIT_ONLY, FollowUpBy.AIDE, 60),
        CallAnswers(None, True, Care.NOT_SAID, None, Visits.NOT_SAID, FollowUpBy.NOT_SAID, None),
    ]
)
arrivals = st.lists(
    st.tuples(st.integers(min_value=0, max_value=180), st.sampled_from(["a", "b", "c", ""]), SAYS),
    min_size=1,
    max_size=9,
)


def _flipped(answers: CallAnswers) -> CallAnswers:
    """The opposite report: favourable becomes unfavourable and the other way round."""
    if answers.care == Care.ONE_ON_ONE:
        return MILL
    if answers.care == Care.SHARED:
        return ONE_ON_ONE
    return replace(ONE_ON_ONE, therapist_minutes=None, minutes_withheld=True, care=Care.NOT_SAID)


def _standings(clinic: Clinic, sequence: list[tuple[int, str, CallAnswers]], start: datetime) -> list[str]:
    found = []
    with transaction.atomic():
        for minute, key, answers in sequence:
            report = record_call_report(
                clinic=clinic, discipline="pt", called_in=start.date(), answers=answers, reporter_key=key,
                now=start + timedelta(minutes=minute),
            )  # fmt: skip
            found.append(report.standing)
        transaction.set_rollback(True)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrivals)
def test_flipping_every_answer_never_changes_which_reports_are_held(
    clinic: Clinic, sequence: list[tuple[int, str, CallAnswers]]
) -> None:
    ordered = sorted(sequence, key=lambda item: item[0])
    start = timezone.now().replace(day=1, hour=0, minute=0)
    as_sent = _standings(clinic, ordered, start)
    flipped = _standings(clinic, [(minute, key, _flipped(answers)) for minute, key, answers in ordered], start)
    assert as_sent == flipped
    # and the rule is the one stated: more than BURST_REPORTS_PER_HOUR in an hour are held
    minutes = [minute for minute, _, _ in ordered]
    for index, (minute, key, _) in enumerate(ordered):
        in_the_hour = sum(1 for earlier in minutes[:index] if earlier > minute - 60)
        repeat = bool(key) and any(k == key for _, k, _ in ordered[:index])
        expected = "repeat" if repeat else "held" if in_the_hour >= BURST_REPORTS_PER_HOUR else "counted"
        assert as_sent[index] == expected
