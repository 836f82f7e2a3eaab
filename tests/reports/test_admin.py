"""Moderators read call reports in the admin; nobody adds or edits what someone reported."""

from __future__ import annotations

import pytest
from django.test import Client

from caretime.directory.models import Clinic

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


def test_strangers_are_sent_to_the_login(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    response = client.get("/admin/reports/callreport/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
