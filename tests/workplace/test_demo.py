"""The demo region shows worker reports as a fresh `make run` does: banded figures where 5 or
more reported, the honest line elsewhere, and everything labelled as demo."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from caretime.core.workplace import MIN_CLINICIAN_REPORTS
from caretime.directory.models import Clinic
from caretime.workplace.models import WorkerReport, WorkplaceFigures

pytestmark = pytest.mark.django_db


def test_the_demo_region_has_figures_and_clinics_without_them(client: Client) -> None:
    call_command("load_demo", clinics=80, verbosity=0)
    assert WorkerReport.objects.exists()
    assert not WorkerReport.objects.filter(is_demo=False).exists()
    assert WorkerReport.objects.filter(published_in__isnull=True).exists()  # some wait for more
    figures = list(WorkplaceFigures.objects.all())
    assert figures
    assert {f.npi_on_roster for f in figures} == {True, False}
    assert all(f.reporters >= MIN_CLINICIAN_REPORTS for f in figures)
    # Published figures match the published reports behind them, population by population.
    for row in figures:
        published = WorkerReport.objects.filter(
            clinic=row.clinic,
            discipline=row.discipline,
            experience_year=row.experience_year,
            npi_on_roster=row.npi_on_roster,
            published_in__isnull=False,
        )
        assert published.count() == row.reporters
    # The clinic page shows the clinicians' figures of the therapy it is about.
    shown = figures[0]
    page = client.get(
        reverse("clinic-detail", args=[shown.clinic_id]), {"discipline": shown.discipline}
    ).content.decode()
    assert "on this clinic's roster" in page
    assert "Demo clinic" in page
    without = Clinic.objects.filter(is_demo=True).exclude(workplace_figures__isnull=False).first()
    assert without is not None
    page = client.get(reverse("clinic-detail", args=[without.pk])).content.decode()
    assert "Not enough reports yet to show without risk to those who wrote them." in page


def test_the_demo_is_the_same_for_a_seed() -> None:
    call_command("load_demo", clinics=30, seed=5, verbosity=0)
    first = sorted(WorkplaceFigures.objects.values_list("clinic__name", "discipline", "npi_on_roster", "reporters"))
    call_command("load_demo", clinics=30, seed=5, verbosity=0)
    assert (
        sorted(WorkplaceFigures.objects.values_list("clinic__name", "discipline", "npi_on_roster", "reporters"))
        == first
    )
