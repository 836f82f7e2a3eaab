"""Visit reports end to end: the form and the API, who may see and delete what, the rules of
which reports count, and the Care Time sums kept in step with them."""

from __future__ import annotations

import contextlib
import json
from dataclasses import astuple, replace
from datetime import date, timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.accounts.services import create_api_token
from caretime.core.care_time import VISITS_PER_REPORTER_PER_MONTH, CareTimeSums, VisitFacts, VisitKind, WholeTime
from caretime.core.evidence import BURST_REPORTS_PER_HOUR, Standing
from caretime.directory.models import Clinic
from caretime.reports import services as report_services
from caretime.reports.models import ClinicCareTime, ModerationDecision, RegionCareTime, VisitReport
from caretime.reports.selectors import care_time_profiles, region_sums
from caretime.reports.services import DuplicateReport, rebuild_care_time
from caretime.shared.limits import LimitReached
from caretime.verdicts.actions import decide_held_reports, delete_visit_report, record_call_report, record_visit_report
from tests.answers import GOOD_VISIT, MILL_VISIT, ONE_ON_ONE
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Riverside PT", latitude=41.92, longitude=-87.65)


def person(email: str, *, verified: bool = True) -> User:
    user = User.objects.create_user(username=email.split("@")[0], email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def this_month() -> date:
    return timezone.now().date().replace(day=1)


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "discipline": "pt",
        "visited_in": f"{this_month():%Y-%m}",
        "visit_kind": "follow_up_early",
        "scheduled_minutes": "60",
        "therapist_minutes": "50",
        "aide_minutes": "5",
        "other_patients": "0",
        "whole_time": "yes",
        "connected": "no",
    }
    data.update(changes)
    return data


def api_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "discipline": "pt",
        "visited_in": f"{this_month():%Y-%m}",
        "visit_kind": "follow_up_early",
        "scheduled_minutes": 60,
        "therapist_minutes": 50,
        "aide_minutes": 5,
        "other_patients": 0,
        "whole_time": "yes",
        "connected": False,
    }
    body.update(changes)
    return body


def report(user: User | None, clinic: Clinic, facts: VisitFacts = GOOD_VISIT, **kwargs: Any) -> VisitReport:
    return record_visit_report(
        account=user,
        clinic=clinic,
        discipline="pt",
        visited_in=kwargs.pop("visited_in", this_month()),
        facts=facts,
        **kwargs,
    )


def profile_json(client: Client, clinic: Clinic) -> dict[str, Any]:
    response = client.get(f"/api/v1/clinics/{clinic.pk}/care-time", {"discipline": "pt"})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


# --- the form -----------------------------------------------------------------------------


def test_a_verified_person_reports_a_visit_and_the_clinic_page_counts_it(clinic: Clinic) -> None:
    client = signed_in(person("ana@example.org"))
    response = client.post(reverse("visit-report", args=[clinic.pk, "pt"]), form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('clinic-detail', args=[clinic.pk])}?discipline=pt"
    page = client.get(response["Location"]).content.decode()
    assert "Your visit report counts from now on" in page
    saved = VisitReport.objects.get()
    assert (saved.therapist_minutes, saved.standing, saved.visited_in) == (50, "counted", this_month())
    clinic_page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "1 report so far, from 1 person" in clinic_page
    assert "ana" not in clinic_page  # never who wrote it


def test_sending_needs_a_verified_address_and_keeps_what_was_typed(clinic: Clinic) -> None:
    url = reverse("visit-report", args=[clinic.pk, "pt"])
    anonymous = Client().post(url, form_data(therapist_minutes="37"))
    assert anonymous.status_code == 403
    page = anonymous.content.decode()
    assert "Sign in with a verified e-mail address" in page
    assert 'value="37"' in page
    assert "/accounts/login/?next=" in page
    unverified = signed_in(person("bo@example.org", verified=False)).post(url, form_data())
    assert unverified.status_code == 403
    assert "Verify your e-mail address" in unverified.content.decode()
    assert VisitReport.objects.count() == 0


def test_reading_the_form_and_the_timer_needs_no_account(clinic: Clinic) -> None:
    form = Client().get(reverse("visit-report", args=[clinic.pk, "pt"]))
    assert form.status_code == 200
    assert "Sign in or create an account" in form.content.decode()
    timer = Client().get(reverse("visit-timer", args=[clinic.pk, "pt"]))
    assert timer.status_code == 200
    assert "needs JavaScript" in timer.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"therapist_minutes": "50", "aide_minutes": "20", "scheduled_minutes": "60"}, "The parts add up to more"),
        ({"therapist_minutes": "241"}, "from 0 to 240"),
        ({"therapist_minutes": ""}, "0 if there were none"),
        ({"visited_in": "2019-01"}, "more than 3 years old"),
        ({"visited_in": "next month"}, "Enter the month of the visit as year-month"),
        ({"other_patients": "7"}, "how many other patients"),
        ({"connected": ""}, "whether you are connected"),
        ({"therapist_minutes": "0", "whole_time": "yes"}, "with 0 minutes one-on-one"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(
    clinic: Clinic, changes: dict[str, str], message: str
) -> None:
    client = signed_in(person("cy@example.org"))
    response = client.post(reverse("visit-report", args=[clinic.pk, "pt"]), form_data(**changes))
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert message in page
    assert "nothing was saved yet" in page
    assert 'value="60"' in page  # the scheduled length typed is still there
    assert VisitReport.objects.count() == 0


# --- who may see and delete what ------------------------------------------------------------


def test_a_person_sees_and_deletes_only_their_own_reports(clinic: Clinic) -> None:
    ana, bo = person("ana@example.org"), person("bo@example.org")
    mine = report(ana, clinic)
    theirs = report(bo, clinic, MILL_VISIT)
    account_page = signed_in(ana).get(reverse("account-home")).content.decode()
    assert f'href="{reverse("my-reports")}"' in account_page
    page = signed_in(ana).get(reverse("my-reports")).content.decode()
    assert "50 minutes with the therapist" in page
    assert "15 minutes with the therapist" not in page
    refused = signed_in(ana).post(reverse("delete-my-report", args=["visit", theirs.pk]))
    assert refused.status_code == 404
    assert VisitReport.objects.filter(pk=theirs.pk).exists()
    done = signed_in(ana).post(reverse("delete-my-report", args=["visit", mine.pk]))
    assert done.status_code == 302
    assert not VisitReport.objects.filter(pk=mine.pk).exists()
    row = ClinicCareTime.objects.get(clinic=clinic, discipline="pt")
    assert (row.reports, row.reporters) == (1, 1)  # only Bo's report is left in the sums


def test_the_api_shows_and_deletes_only_ones_own_reports(clinic: Clinic) -> None:
    ana, bo = person("ana@example.org"), person("bo@example.org")
    report(ana, clinic)
    theirs = report(bo, clinic, MILL_VISIT)
    token = create_api_token(user=ana, name="phone").secret
    headers = {"Authorization": f"Bearer {token}"}
    listed = Client().get("/api/v1/me/visit-reports", headers=headers)
    assert listed.status_code == 200
    assert [item["summary"] for item in listed.json()] == [
        "follow-up visit: 50 minutes with the therapist, no other patient at the same time, "
        "5 minutes with an aide or on equipment"
    ]
    gone = Client().delete(f"/api/v1/me/visit-reports/{theirs.pk}", headers=headers)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    assert VisitReport.objects.filter(pk=theirs.pk).exists()
    assert Client().get("/api/v1/me/visit-reports").status_code == 401


# --- the API --------------------------------------------------------------------------------


def test_posting_with_a_token_files_a_report_and_returns_the_verdict(clinic: Clinic) -> None:
    token = create_api_token(user=person("ana@example.org"), name="phone").secret
    response = Client().post(
        f"/api/v1/clinics/{clinic.pk}/visit-reports",
        json.dumps(api_body()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["standing"] == "counted"
    assert body["verdict"]["evidence_counts"] == {"patient_report": 1}
    assert body["verdict"]["early_signal"] is True
    again = Client().post(
        f"/api/v1/clinics/{clinic.pk}/visit-reports",
        json.dumps(api_body()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_report"
    assert VisitReport.objects.count() == 1


def test_the_api_refuses_what_the_form_refuses(clinic: Clinic) -> None:
    token = create_api_token(user=person("ana@example.org"), name="phone").secret
    url = f"/api/v1/clinics/{clinic.pk}/visit-reports"
    auth = {"Authorization": f"Bearer {token}"}
    too_long = Client().post(
        url, api_body(therapist_minutes=50, aide_minutes=20), content_type="application/json", headers=auth
    )
    assert too_long.status_code == 400
    assert too_long.json()["error"]["code"] == "invalid_input"
    assert set(too_long.json()["error"]["fields"]) == {"therapist_minutes", "aide_minutes", "scheduled_minutes"}
    future = Client().post(url, api_body(visited_in="2099-01"), content_type="application/json", headers=auth)
    assert future.json()["error"]["code"] == "invalid_input"
    assert "visit is in the future" in future.json()["error"]["message"]
    unverified = create_api_token(user=person("bo@example.org", verified=False), name="x").secret
    refused = Client().post(url, api_body(), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {unverified}")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "email_not_verified"
    assert Client().post(url, api_body(), content_type="application/json").status_code == 401
    assert VisitReport.objects.count() == 0


def test_a_signed_in_browser_session_needs_its_csrf_token(clinic: Clinic) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person("ana@example.org"))
    response = client.post(f"/api/v1/clinics/{clinic.pk}/visit-reports", api_body(), content_type="application/json")
    assert response.status_code == 403
    assert VisitReport.objects.count() == 0


def test_the_profile_shows_figures_from_three_people_on(clinic: Clinic) -> None:
    client = Client()
    assert profile_json(client, clinic)["reports"] == 0
    report(person("a@example.org"), clinic, replace(GOOD_VISIT, therapist_minutes=40))
    report(person("b@example.org"), clinic, replace(GOOD_VISIT, therapist_minutes=45))
    thin = profile_json(client, clinic)
    assert (thin["reporters"], thin["shows_figures"], thin["typical_minutes"]) == (2, False, None)
    report(person("c@example.org"), clinic, MILL_VISIT)
    full = profile_json(client, clinic)
    assert (full["reporters"], full["shows_figures"]) == (3, True)
    # No state prior yet beyond these three (under 10 reports): the median of 15, 40, 45.
    assert full["typical_minutes"] == 40
    assert full["range_minutes"] == [15, 45]
    assert full["shared_share"] == pytest.approx(1 / 3, abs=0.001)
    assert full["methodology_url"].endswith("#care-time-profile")
    page = client.get(reverse("methodology")).content.decode()
    assert 'id="care-time-profile"' in page


# --- minutes the patient does not know ------------------------------------------------------

UNKNOWN_MINUTES_SHARED = replace(MILL_VISIT, therapist_minutes=None, aide_minutes=None)


def test_the_form_takes_a_visit_whose_minutes_the_patient_does_not_know(clinic: Clinic) -> None:
    report(person("a@example.org"), clinic, replace(GOOD_VISIT, therapist_minutes=40))
    report(person("b@example.org"), clinic, replace(GOOD_VISIT, therapist_minutes=45))
    client = signed_in(person("ana@example.org"))
    unknown = form_data(
        therapist_minutes="", minutes_unknown="on", aide_minutes="", other_patients="3", whole_time="no"
    )
    response = client.post(reverse("visit-report", args=[clinic.pk, "pt"]), unknown)
    assert response.status_code == 302, response.content.decode()
    saved = VisitReport.objects.get(account__email="ana@example.org")
    assert (saved.therapist_minutes, saved.aide_minutes, saved.standing) == (None, None, "counted")
    assert "minutes with the therapist not known" in saved.summary
    # Three people reported; two gave minutes: their other answers show, no minutes figure does.
    page = Client().get(reverse("clinic-detail", args=[clinic.pk]), {"discipline": "pt"}).content.decode()
    assert "Shown once 3 different people have given the minutes; 2 people have so far." in page
    assert "From 3 reports by 3 different people" in page
    assert "Other patients treated at the same time" in page
    assert "Mostly with an aide or alone on equipment" not in page
    profile = profile_json(Client(), clinic)
    assert (profile["reporters"], profile["minutes_reporters"], profile["shows_figures"]) == (3, 2, True)
    assert (profile["typical_minutes"], profile["range_minutes"], profile["aide_led_share"]) == (None, None, None)
    assert profile["shared_share"] == pytest.approx(1 / 3, abs=0.001)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"therapist_minutes": ""}, "or tick “I don&#x27;t know how many minutes”"),
        ({"minutes_unknown": "on"}, "give the minutes or tick the box, not both"),
    ],
)
def test_the_form_needs_the_minutes_or_the_box_that_says_they_are_not_known(
    clinic: Clinic, changes: dict[str, str], message: str
) -> None:
    client = signed_in(person("ana@example.org"))
    response = client.post(reverse("visit-report", args=[clinic.pk, "pt"]), form_data(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="60"' in page  # the rest of what was typed is kept
    assert VisitReport.objects.count() == 0


def test_the_api_takes_null_minutes_and_the_verdict_counts_the_other_answers(clinic: Clinic) -> None:
    url = f"/api/v1/clinics/{clinic.pk}/visit-reports"
    for name in ("a", "b", "c"):
        token = create_api_token(user=person(f"{name}@example.org"), name="phone").secret
        body = api_body(therapist_minutes=None, aide_minutes=None, other_patients=3, whole_time="no")
        response = Client().post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 201, response.content
        assert "minutes with the therapist not known" in response.json()["summary"]
    verdict = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()
    # Three patients whose therapist treated 3 or more others at once: mill signs, without minutes.
    assert (verdict["status"], verdict["reporters"]) == ("mill_signs", 3)
    assert verdict["evidence_by_source"] == {"visit_report": 3}
    assert {reason["question"] for reason in verdict["reasons"]} >= {"sharing"}
    assert "time" not in {reason["question"] for reason in verdict["reasons"]}
    profile = profile_json(Client(), clinic)
    assert (profile["reporters"], profile["minutes_reporters"], profile["typical_minutes"]) == (3, 0, None)
    page = Client().get(reverse("clinic-detail", args=[clinic.pk]), {"discipline": "pt"}).content.decode()
    assert "Shown once 3 different people have given the minutes; 0 people have so far." in page


def test_the_openapi_document_says_the_minutes_of_a_visit_may_be_null(db: None) -> None:
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    visit = schemas["VisitReportIn"]
    assert "therapist_minutes" in visit["required"]  # sent always, null when not known
    for name in ("therapist_minutes", "aide_minutes"):
        assert {"type": "null"} in visit["properties"][name]["anyOf"], name
    care_time = schemas["CareTimeOut"]["properties"]
    assert care_time["minutes_reporters"]["type"] == "integer"
    assert {"type": "null"} in care_time["typical_minutes"]["anyOf"]


def test_the_api_takes_aide_minutes_as_unknown_only_with_the_therapists(clinic: Clinic) -> None:
    token = create_api_token(user=person("ana@example.org"), name="phone").secret
    response = Client().post(
        f"/api/v1/clinics/{clinic.pk}/visit-reports",
        api_body(aide_minutes=None),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == ["aide_minutes"]
    assert VisitReport.objects.count() == 0


# --- which reports count --------------------------------------------------------------------


def test_three_patients_one_on_one_for_50_minutes_make_the_clinic_good(clinic: Clinic) -> None:
    for name in ("a", "b", "c"):
        report(person(f"{name}@example.org"), clinic)
    verdict = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()
    assert verdict["status"] == "meets_bar"
    assert verdict["reporters"] == 3
    assert verdict["early_signal"] is False


def test_one_persons_calls_and_visits_count_as_one_person(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    record_call_report(clinic=clinic, discipline="pt", called_in=this_month(), answers=ONE_ON_ONE, account=ana)
    second = record_call_report(clinic=clinic, discipline="pt", called_in=this_month(), answers=ONE_ON_ONE, account=ana)
    assert second.standing == Standing.REPEAT  # her second call within 30 days
    report(ana, clinic)
    verdict = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()
    assert verdict["evidence_counts"] == {"call": 1, "patient_report": 1}
    assert verdict["reporters"] == 1
    assert verdict["early_signal"] is True


def test_a_connected_persons_report_is_stored_shown_and_counted_nowhere(clinic: Clinic) -> None:
    owner = person("owner@example.org")
    saved = report(owner, clinic, replace(GOOD_VISIT, connected=True))
    assert saved.standing == Standing.COUNTED
    verdict = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()
    assert verdict["status"] == "not_enough_known"
    assert verdict["evidence_counts"] == {}
    profile = profile_json(Client(), clinic)
    assert (profile["reports"], profile["connected_reports"]) == (0, 1)
    page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "1 report from someone connected to the clinic" in page
    assert not RegionCareTime.objects.filter(weight__gt=0).exists()


def test_a_persons_visits_beyond_the_monthly_cap_are_stored_not_counted(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    start = timezone.now()
    kinds = [VisitKind.FIRST, VisitKind.EARLY_FOLLOW_UP, VisitKind.LATER_FOLLOW_UP]
    standings = [
        report(ana, clinic, replace(GOOD_VISIT, visit_kind=kind), now=start + timedelta(hours=2 * i)).standing
        for i, kind in enumerate(kinds)
    ]
    assert standings == ["counted"] * VISITS_PER_REPORTER_PER_MONTH + ["repeat"]
    last_month = (this_month() - timedelta(days=1)).replace(day=1)
    assert report(ana, clinic, visited_in=last_month, now=start + timedelta(hours=8)).standing == "counted"
    row = ClinicCareTime.objects.get(clinic=clinic)
    assert (row.reports, row.reporters) == (3, 1)


def test_the_same_report_twice_is_a_duplicate(clinic: Clinic) -> None:
    ana = person("ana@example.org")
    report(ana, clinic)
    with pytest.raises(DuplicateReport):
        report(ana, clinic)
    client = signed_in(ana)
    response = client.post(reverse("visit-report", args=[clinic.pk, "pt"]), form_data())
    assert response.status_code == 409
    assert "already sent this report" in response.content.decode()
    assert VisitReport.objects.count() == 1


def test_an_account_sends_at_most_so_many_reports_a_day(db: None) -> None:
    ana = person("ana@example.org")
    clinics = [make_clinic(f"Clinic {i}", latitude=41.9 + i / 100, longitude=-87.6) for i in range(10 + 1)]
    client = signed_in(ana)
    answers = [
        client.post(reverse("visit-report", args=[c.pk, "pt"]), form_data(), REMOTE_ADDR=f"198.51.100.{i}")
        for i, c in enumerate(clinics)
    ]
    assert [a.status_code for a in answers] == [302] * 10 + [429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert "the most we take from one account in a day" in answers[-1].content.decode()
    assert 'value="50"' in answers[-1].content.decode()
    assert VisitReport.objects.count() == 10


def test_a_burst_is_held_and_a_moderator_release_adds_it_to_the_profile(clinic: Clinic) -> None:
    moderator = User.objects.create_superuser("mod", "mod@example.org", "x")
    now = timezone.now()
    reports = [
        report(person(f"p{i}@example.org"), clinic, now=now + timedelta(minutes=i))
        for i in range(BURST_REPORTS_PER_HOUR + 1)
    ]
    assert [r.standing for r in reports] == ["counted"] * BURST_REPORTS_PER_HOUR + ["held"]
    assert ClinicCareTime.objects.get(clinic=clinic).reports == BURST_REPORTS_PER_HOUR
    page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "Unusual activity is being reviewed" in page
    assert decide_held_reports(reports=[reports[-1]], release=True, moderator_id=moderator.pk) == 1
    row = ClinicCareTime.objects.get(clinic=clinic)
    assert (row.reports, row.reporters) == (BURST_REPORTS_PER_HOUR + 1, BURST_REPORTS_PER_HOUR + 1)
    decision = ModerationDecision.objects.get()
    assert (decision.visit_report_id, decision.moderator_id, decision.decision) == (
        reports[-1].pk,
        moderator.pk,
        "released",
    )


# --- the stored sums ------------------------------------------------------------------------


def _stored() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    def rounded(values: list[float]) -> tuple[float, ...]:
        return tuple(round(v, 6) for v in values)

    def sums(row: ClinicCareTime | CareTimeSums) -> tuple[Any, ...]:
        s = row if isinstance(row, CareTimeSums) else row.sums
        return (
            round(s.weight, 6),
            rounded(s.minutes),
            round(s.whole_known, 6),
            round(s.whole_one_on_one, 6),
            rounded(s.shared),
            round(s.aide_led, 6),
        )

    clinics = {
        ("clinic", r.clinic_id, r.discipline): (
            r.reporters,
            r.minutes_reporters,
            r.reports,
            r.newest,
            r.connected_reports,
            *sums(r),
        )
        for r in ClinicCareTime.objects.all()
        if r.reports or r.connected_reports
    }
    regions = {
        ("region", state, discipline): sums(found)
        for (state, discipline), found in region_sums(["pt", "ot", "slp"]).items()
        if found.weight > 1e-9
    }
    return clinics | regions


# (therapist, aide) minutes: both given, or the therapist's not known (the aide's given or not).
minutes = st.one_of(
    st.tuples(st.integers(1, 240), st.integers(0, 60)),
    st.tuples(st.none(), st.one_of(st.none(), st.integers(0, 60))),
)
facts = st.builds(
    lambda base, pair: replace(base, therapist_minutes=pair[0], aide_minutes=pair[1]),
    st.builds(
        VisitFacts,
        visit_kind=st.sampled_from(list(VisitKind)),
        scheduled_minutes=st.none(),
        therapist_minutes=st.just(1),
        aide_minutes=st.just(0),
        other_patients=st.integers(0, 3),
        whole_time=st.sampled_from(list(WholeTime)),
        connected=st.booleans(),
    ),
    minutes,
)
steps = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, 30), facts, st.booleans()), min_size=1, max_size=12
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_the_sums_kept_report_by_report_equal_a_rebuild_from_the_reports(
    db: None, sequence: list[tuple[int, int, int, VisitFacts, bool]]
) -> None:
    """Adding and deleting reports one at a time, in any order, leaves the same sums as
    computing them afresh; and no person's counted visits to a clinic exceed the monthly cap."""
    with transaction.atomic():
        clinics = [
            make_clinic("North", latitude=41.9, longitude=-87.6),
            make_clinic("South", latitude=41.8, longitude=-87.6, state="IN", zip_code="46320"),
        ]
        people = [person(f"p{i}@example.org") for i in range(3)]
        month = this_month()
        kept: list[VisitReport] = []
        for who, where, months_back, visit, delete_one in sequence:
            visited_in = (month - timedelta(days=31 * months_back)).replace(day=1)
            with contextlib.suppress(DuplicateReport, LimitReached):  # refused: nothing is left behind
                kept.append(report(people[who], clinics[where], visit, visited_in=visited_in))
            if delete_one and kept:
                delete_visit_report(kept.pop(0))
        for someone in people:
            for place in clinics:
                counted = VisitReport.objects.filter(account=someone, clinic=place, standing="counted")
                for visited_in in {r.visited_in for r in counted}:
                    assert counted.filter(visited_in=visited_in).count() <= VISITS_PER_REPORTER_PER_MONTH
        incremental = _stored()
        rebuild_care_time()
        assert _stored() == incremental
        transaction.set_rollback(True)


def _profiles(clinics: list[Clinic]) -> dict[tuple[int, str], tuple[Any, ...]]:
    """The profiles as pages show them, floats to nine places (the sums' float dust aside)."""

    def rounded(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(rounded(v) for v in value)
        return round(value, 9) if isinstance(value, float) else value

    found = care_time_profiles([c.pk for c in clinics], None, as_of=timezone.now().date())
    return {key: rounded(astuple(profile)) for key, profile in found.items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_profiles_kept_by_writes_deletes_and_folds_equal_those_of_a_fresh_computation(
    db: None, monkeypatch: pytest.MonkeyPatch, sequence: list[tuple[int, int, int, VisitFacts, bool]]
) -> None:
    """The states' and the nation's sums are rows added by each report and folded now and
    then: whatever the order of writes, deletes and folds, every profile (and the sums behind
    it) equals the one computed afresh from the reports."""
    monkeypatch.setattr(report_services, "FOLD_EVERY", 2)  # a fold every other row: many, among the writes
    with transaction.atomic():
        clinics = [
            make_clinic("North", latitude=41.9, longitude=-87.6),
            make_clinic("Lakeside", latitude=41.95, longitude=-87.65),
            make_clinic("South", latitude=41.8, longitude=-87.6, state="IN", zip_code="46320"),
        ]
        month = this_month()
        # Enough reports already counted that the state's sums are the prior, from a rebuild.
        VisitReport.objects.bulk_create(
            VisitReport.from_facts(
                replace(GOOD_VISIT if n % 3 else MILL_VISIT, other_patients=n % 4),
                account=None,
                clinic=clinics[n % 2],
                discipline="pt",
                visited_in=month,
                from_timer=False,
                is_demo=True,
                received_on=month,
                standing=Standing.COUNTED.value,
            )
            for n in range(24)
        )
        rebuild_care_time()
        people = [person(f"p{i}@example.org") for i in range(3)]
        kept: list[VisitReport] = []
        for who, where, months_back, visit, delete_one in sequence:
            visited_in = (month - timedelta(days=31 * months_back)).replace(day=1)
            with contextlib.suppress(DuplicateReport, LimitReached):
                kept.append(report(people[who], clinics[where % 3], visit, visited_in=visited_in))
            if delete_one and kept:
                delete_visit_report(kept.pop(0))
        incremental, shown = _stored(), _profiles(clinics)
        assert shown
        rebuild_care_time()
        assert (_stored(), _profiles(clinics)) == (incremental, shown)
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_everyone_who_reported_before_as_having_given_minutes(clinic: Clinic) -> None:
    """Before minutes could be left out, every counted reporter gave them."""
    report(person("a@example.org"), clinic)
    report(person("b@example.org"), clinic, MILL_VISIT)
    before = ("reports", "0006_connection_arrivals_moved")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = ClinicCareTime.objects.get(clinic=clinic)
    assert (row.reporters, row.minutes_reporters) == (2, 2)
    incremental = _stored()
    rebuild_care_time()
    assert _stored() == incremental
