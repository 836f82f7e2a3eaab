"""Moderators read call and visit reports in the admin; nobody adds or edits what someone reported."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.core.evidence import BURST_REPORTS_PER_HOUR
from caretime.directory.models import Clinic
from caretime.reports.models import ClinicCareTime, ModerationDecision, VisitReport
from caretime.verdicts.actions import record_visit_report
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def test_moderators_read_but_never_edit_call_reports(admin_client: Client, lincoln_park: dict[str, Clinic]) -> None:
    listing = admin_client.get("/admin/reports/callreport/")
    assert listing.status_code == 200
    assert "Mill PT" in listing.content.decode()
    assert admin_client.get("/admin/reports/callreport/add/").status_code == 403
    report = lincoln_park["mill"].call_reports.get()
    page = admin_client.get(f"/admin/reports/callreport/{report.pk}/change/")
    assert page.status_code == 200  # a read-only view
    assert 'name="_save"' not in page.content.decode()
    # Nor delete one: rejecting goes through the services, which keep the verdict sums.
    assert admin_client.post(f"/admin/reports/callreport/{report.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(
        "/admin/reports/callreport/", {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"}
    )
    assert lincoln_park["mill"].call_reports.filter(pk=report.pk).exists()


def test_strangers_are_sent_to_the_login(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    response = client.get("/admin/reports/callreport/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_held_visit_reports_show_why_and_a_release_is_logged(admin_client: Client, db: None) -> None:
    clinic = make_clinic("Burst PT", latitude=41.92, longitude=-87.65)
    facts = VisitFacts(VisitKind.FIRST, 60, 50, 0, 0, WholeTime.YES, False)
    now = timezone.now()
    for index in range(BURST_REPORTS_PER_HOUR + 1):
        user = User.objects.create_user(username=f"p{index}", email=f"p{index}@example.org")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        record_visit_report(account=user, clinic=clinic, discipline="pt", visited_in=now.date(), facts=facts, now=now)
    held = VisitReport.objects.get(standing="held")
    listing = admin_client.get("/admin/reports/visitreport/", {"standing__exact": "held"}).content.decode()
    assert "more than 3 reports about one clinic within an hour" in listing
    assert "p3@example.org" not in listing  # the account behind a report is never shown
    response = admin_client.post(
        "/admin/reports/visitreport/", {"action": "release_held", "_selected_action": [held.pk]}, follow=True
    )
    assert "1 held report released." in response.content.decode()
    assert ModerationDecision.objects.get().visit_report_id == held.pk
    assert ClinicCareTime.objects.get(clinic=clinic).reports == BURST_REPORTS_PER_HOUR + 1
    assert admin_client.get(f"/admin/reports/visitreport/{held.pk}/change/").status_code == 200
    assert admin_client.get("/admin/reports/visitreport/add/").status_code == 403
