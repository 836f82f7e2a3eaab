"""Demo reports: deterministic, flagged, showing every status, and never replacing what people filed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from caretime.core.verdict import Bar, Status
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic, ClinicService
from caretime.reports.demo import build_demo_call_reports
from caretime.reports.models import CallReport
from caretime.verdicts.actions import record_call_report
from caretime.verdicts.evidence import evidence_for_clinics
from caretime.verdicts.selectors import Judge
from tests.answers import ONE_ON_ONE

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 15)


def snapshot() -> list[tuple[object, ...]]:
    return list(
        CallReport.objects.order_by("clinic__name", "discipline", "called_in", "therapist_minutes", "care").values_list(
            "clinic__name", "discipline", "called_in", "therapist_minutes", "care", "visits"
        )
    )


def test_demo_reports_show_every_status_and_are_flagged() -> None:
    build_demo_region(seed=1, clinics=300)  # the region `make run` loads
    written = build_demo_call_reports(seed=1, today=TODAY)
    assert written == CallReport.objects.count()
    assert written > 0
    assert not CallReport.objects.filter(is_demo=False).exists()
    pairs = list(ClinicService.objects.values_list("clinic_id", "discipline"))
    judge = Judge(evidence_for_clinics(sorted({c for c, _ in pairs})), Bar(), TODAY)
    statuses = Counter(judge(c, d).status for c, d in pairs)
    # a person trying the demo meets each of the five statuses under the default bar
    assert set(statuses) == set(Status), statuses
    assert any(judge(c, d).early_signal for c, d in pairs)


def test_demo_reports_are_deterministic_for_a_seed() -> None:
    build_demo_region(seed=3, clinics=30)
    build_demo_call_reports(seed=3, today=TODAY)
    first = snapshot()
    build_demo_region(seed=3, clinics=30)
    build_demo_call_reports(seed=3, today=TODAY)
    assert snapshot() == first


def test_load_demo_builds_call_reports_too() -> None:
    out = StringIO()
    call_command("load_demo", "--clinics", "20", stdout=out)
    assert "call reports" in out.getvalue()
    assert CallReport.objects.filter(is_demo=True).exists()


def test_load_demo_if_missing_adds_call_reports_to_an_older_region() -> None:
    build_demo_region(seed=1, clinics=20)  # as loaded before call reports existed
    out = StringIO()
    call_command("load_demo", "--clinics", "20", "--if-missing", stdout=out)
    assert "demo call reports" in out.getvalue()
    assert CallReport.objects.filter(is_demo=True).exists()
    clinics_before = set(ClinicService.objects.values_list("clinic_id", flat=True))
    call_command("load_demo", "--clinics", "20", "--if-missing", stdout=StringIO())
    assert set(ClinicService.objects.values_list("clinic_id", flat=True)) == clinics_before


def test_rebuilding_the_demo_never_silently_deletes_reports_people_filed(db: None) -> None:
    call_command("load_demo", "--clinics", "12", stdout=StringIO())
    clinic = Clinic.objects.filter(is_demo=True).first()
    assert clinic is not None
    record_call_report(
        clinic=clinic, discipline=clinic.disciplines[0], called_in=timezone.now().date(), answers=ONE_ON_ONE
    )
    with pytest.raises(CommandError, match="People filed 1 reports about demo clinics"):
        call_command("load_demo", "--clinics", "12", stdout=StringIO())
    assert CallReport.objects.filter(is_demo=False).count() == 1  # nothing was touched
    call_command("load_demo", "--clinics", "12", "--discard-people-reports", stdout=StringIO())
    assert CallReport.objects.filter(is_demo=False).count() == 0
