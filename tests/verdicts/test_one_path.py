"""Every page and endpoint that shows a verdict gets it through the one evidence path, so
for any clinics, evidence and bar they all show the same status for the same clinic."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caretime.billing.models import ClinicBillingYear
from caretime.core.calls import CallAnswers
from caretime.core.evidence import Standing
from caretime.core.verdict import Bar, Status
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport
from caretime.verdicts.sums import rebuild_verdict_sums
from tests.answers import MIDDLING, MILL, ONE_ON_ONE
from tests.factories import clinic_page, make_clinic

pytestmark = pytest.mark.django_db

ANSWERS = (
    ONE_ON_ONE,
    MILL,
    MIDDLING,
    replace(ONE_ON_ONE, therapist_minutes=30),
    replace(ONE_ON_ONE, therapist_minutes=60),
    replace(ONE_ON_ONE, therapist_minutes=None, minutes_withheld=True),
)
calls = st.lists(st.tuples(st.sampled_from(ANSWERS), st.sampled_from([0, 0, 12, 24, 30])), max_size=3)
billing = st.one_of(st.none(), st.tuples(st.sampled_from([1.0, 2.2, 3.4, 4.5]), st.sampled_from([0.0, 0.05, 0.2, 0.4])))
clinic_evidence = st.tuples(calls, billing, st.booleans())  # the last: one report held after a burst
bars = st.builds(Bar, st.sampled_from([30, 40, 45, 55, 60]), st.booleans())


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _store(clinic: Clinic, evidence: tuple[list[tuple[CallAnswers, int]], Any, bool], today: date) -> None:
    said, billed, held = evidence
    reports = [
        CallReport.from_answers(
            answers, clinic=clinic, discipline="pt", called_in=_months_back(today, months), received_on=today
        )
        for answers, months in said
    ]
    if held:  # a held report must count on no path
        reports.append(
            CallReport.from_answers(
                MILL, clinic=clinic, discipline="pt", called_in=today.replace(day=1), received_on=today,
                standing=Standing.HELD.value,
            )
        )  # fmt: skip
    CallReport.objects.bulk_create(reports)
    if billed:
        units, group_share = billed
        ClinicBillingYear.objects.create(
            clinic=clinic, year=today.year, discipline="pt", state="IL", clinicians=2, visits=800,
            beneficiaries=90, timed_units_per_visit=units, group_share=group_share, visits_per_beneficiary=9,
            linked_by=ClinicBillingYear.LinkedBy.ROSTER,
        )  # fmt: skip


def _statuses_everywhere(client: Client, clinics: list[Clinic], bar: Bar) -> dict[str, dict[int, str]]:
    client.post(
        reverse("set-bar"),
        {"min_minutes": bar.min_one_on_one_minutes, "every_visit": "yes" if bar.every_visit_required else "no"},
    )
    seen: dict[str, dict[int, str]] = {}
    for clinic in clinics:
        page = client.get(reverse("clinic-detail", args=[clinic.pk]))
        seen.setdefault("clinic page", {})[clinic.pk] = page.context["care_time"].assessment.status.value
        verdict = client.get(clinic_page(clinic.pk, "pt"))
        seen.setdefault("verdict page", {})[clinic.pk] = verdict.context["care_time"].assessment.status.value
        api = client.get(
            f"/api/v1/clinics/{clinic.pk}/verdict",
            {
                "discipline": "pt",
                "min_minutes": str(bar.min_one_on_one_minutes),
                "every_visit": str(bar.every_visit_required),
            },
        ).json()
        seen.setdefault("API", {})[clinic.pk] = api["status"]
    for name, only in (("results", ""), ("results that meet the bar", "1")):
        results = client.get(reverse("clinic-search"), {"near": "60614", "discipline": "pt", "meets_bar": only})
        seen[name] = {hit.clinic.pk: hit.verdicts[0].assessment.status.value for hit in results.context["results"].hits}
    compared = client.get(reverse("compare"), {"clinic": [str(c.pk) for c in clinics], "discipline": "pt"})
    seen["compare"] = {item.clinic.pk: item.care_time.assessment.status.value for item in compared.context["compared"]}
    alternatives: dict[int, str] = {}
    for clinic in clinics:
        found = client.get(
            f"/api/v1/clinics/{clinic.pk}/alternatives",
            {
                "discipline": "pt",
                "near": "60614",
                "include_unknown": "true",
                "min_minutes": str(bar.min_one_on_one_minutes),
                "every_visit": str(bar.every_visit_required),
            },
        ).json()
        for item in found["items"]:
            alternatives[item["clinic_id"]] = item["status"]
    seen["alternatives"] = alternatives
    return seen


@pytest.fixture
def four_clinics(db: None) -> list[Clinic]:
    return [make_clinic(f"Path PT {i}", latitude=41.915 + i / 500, longitude=-87.65) for i in range(4)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(clinic_evidence, min_size=4, max_size=4), bars)
# Billing is what tells these apart: without it the old call of 40 minutes is "below your bar",
# with "at least 53 minutes" billed it is "reports disagree"; the mill's one call is backed by
# routine group billing.
@example(
    [([(MIDDLING, 24)], (4.5, 0.0), False), ([(MILL, 0)], (2.2, 0.4), True), ([], None, False), ([(ONE_ON_ONE, 0)], None, False)],
    Bar(45, True),
)  # fmt: skip
def test_every_path_gives_the_same_verdict(four_clinics: list[Clinic], evidence: list[Any], bar: Bar) -> None:
    today = timezone.now().date()
    with transaction.atomic():
        for clinic, found in zip(four_clinics, evidence, strict=True):
            _store(clinic, found, today)
        rebuild_verdict_sums()  # the reports were written in bulk, past the services
        seen = _statuses_everywhere(Client(), four_clinics, bar)
        transaction.set_rollback(True)
    reference = seen["verdict page"]
    assert set(reference) == {c.pk for c in four_clinics}
    for path, statuses in seen.items():
        for clinic_id, status in statuses.items():
            assert status == reference[clinic_id], f"{path} disagrees about clinic {clinic_id}"
    for path in ("clinic page", "API", "results", "compare"):
        assert set(seen[path]) == set(reference), path
    # an alternative meets the bar, or is not enough known (and then nothing speaks against it)
    assert set(seen["alternatives"].values()) <= {Status.MEETS_BAR.value, Status.NOT_ENOUGH_KNOWN.value}
    meeting = {cid for cid, status in reference.items() if status == Status.MEETS_BAR.value}
    assert set(seen["results that meet the bar"]) == meeting
    # the results list them first, in the order the ranking and the page agree on
    listed = list(seen["results"])
    assert set(listed[: len(meeting)]) == meeting
    assert meeting <= set(seen["alternatives"])  # each is offered from the other clinics' pages
