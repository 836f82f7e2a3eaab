"""Search by what patients report: rank by Care Time, keep only "one-on-one every visit, at
least N minutes", and what patients report set against what the clinic said."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from time_machine import TimeMachineFixture

from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.core.geo import Point
from caretime.core.verdict import Bar
from caretime.directory.geo_index import geo_index
from caretime.directory.models import Clinic
from caretime.directory.selectors import ClinicSearch
from caretime.verdicts.actions import record_call_report, record_visit_report
from caretime.verdicts.selectors import OnlyOneOnOne, Sort, search_with_verdicts
from tests.answers import ONE_ON_ONE
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

LINCOLN_PARK = Point(41.9227, -87.6533)
ONE_ON_ONE_VISIT = VisitFacts(VisitKind.EARLY_FOLLOW_UP, 60, 55, 0, 0, WholeTime.YES, False)
MILL_VISIT = VisitFacts(VisitKind.EARLY_FOLLOW_UP, 60, 20, 30, 2, WholeTime.NO, False)
_people = iter(range(10_000))


def patients_report(clinic: Clinic, facts: VisitFacts, *, people: int) -> None:
    start = timezone.now() - timedelta(days=2)
    for index in range(people):
        n = next(_people)
        user = User.objects.create_user(username=f"patient{n}", email=f"patient{n}@example.org")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        record_visit_report(
            account=user,
            clinic=clinic,
            discipline="pt",
            visited_in=start.date(),
            facts=replace(facts, therapist_minutes=facts.therapist_minutes + 5 * (index % 2)),
            now=start + timedelta(hours=2 * index),  # no burst: one report every two hours
        )


@pytest.fixture
def three(db: None) -> dict[str, Clinic]:
    """The nearest clinic is a mill, the farthest the best; one in between nobody reported."""
    clinics = {
        "mill": make_clinic("Near Mill PT", latitude=41.9230, longitude=-87.6530),
        "unknown": make_clinic("Middle PT", latitude=41.9100, longitude=-87.6500),
        "good": make_clinic("Far Good PT", latitude=41.8800, longitude=-87.6300),
    }
    patients_report(clinics["mill"], MILL_VISIT, people=3)
    patients_report(clinics["good"], ONE_ON_ONE_VISIT, people=3)
    return clinics


def names(response: Any) -> list[str]:
    page = response.content.decode()
    order = [(page.find(f">{name}<"), name) for name in ("Near Mill PT", "Middle PT", "Far Good PT")]
    return [name for position, name in sorted(order) if position >= 0]


def test_care_time_ranks_the_most_one_on_one_minutes_first(client: Client, three: dict[str, Clinic]) -> None:
    nearest = client.get("/clinics/", {"near": "60614", "discipline": "pt"})
    assert names(nearest) == ["Near Mill PT", "Middle PT", "Far Good PT"]
    by_care_time = client.get("/clinics/", {"near": "60614", "discipline": "pt", "sort": "care_time"})
    assert by_care_time.status_code == 200
    assert names(by_care_time) == ["Far Good PT", "Near Mill PT", "Middle PT"]  # no figures: last
    assert "Care Time: typically 55 minutes one-on-one, by 3 patients" in by_care_time.content.decode()


def test_the_filter_keeps_one_on_one_every_visit_with_at_least_n_minutes(
    client: Client, three: dict[str, Clinic]
) -> None:
    only = client.get("/clinics/", {"near": "60614", "discipline": "pt", "only_minutes": "45"})
    assert names(only) == ["Far Good PT"]
    assert "1 clinic within" in only.content.decode()
    stricter = client.get("/clinics/", {"near": "60614", "discipline": "pt", "only_minutes": "60"})
    assert names(stricter) == []  # 55 and 60 minutes reported: the median is below 60
    with_unknown = client.get(
        "/clinics/", {"near": "60614", "discipline": "pt", "only_minutes": "45", "include_unknown": "1"}
    )
    assert names(with_unknown) == ["Middle PT", "Far Good PT"]  # nearest first; the mill stays out


def test_a_filter_it_cannot_read_is_a_400_that_says_what_to_fix(client: Client, three: dict[str, Clinic]) -> None:
    response = client.get("/clinics/", {"near": "60614", "only_minutes": "90"})
    assert response.status_code == 400
    assert "takes a number of minutes from 30 to 60" in response.content.decode()


def test_filtering_and_ranking_take_a_fixed_number_of_queries(
    three: dict[str, Clinic], django_assert_max_num_queries: Any, clock: TimeMachineFixture
) -> None:
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline="pt")
    today = timezone.now().date()
    # the verdicts' stored sums, the Care Time sums and their regions, the page (3), the page's
    # calls, visits, worker figures and billing
    geo_index()  # the process's index of the directory, built once per change of the directory
    with django_assert_max_num_queries(10):
        first = search_with_verdicts(search, bar=Bar(), sort=Sort.CARE_TIME, as_of=today, only=OnlyOneOnOne(30, True))
    clock.shift(timedelta(seconds=1))  # a directory generation is named by the clock: let it move
    for index in range(30):
        make_clinic(f"Extra {index}", latitude=41.90 + index / 1000, longitude=-87.64)
    geo_index()
    with django_assert_max_num_queries(10):
        second = search_with_verdicts(search, bar=Bar(), sort=Sort.CARE_TIME, as_of=today, only=OnlyOneOnOne(30, True))
    assert (first.total, second.total) == (2, 32)


def test_what_patients_report_is_set_against_what_the_clinic_said(client: Client, three: dict[str, Clinic]) -> None:
    mill = three["mill"]
    record_call_report(clinic=mill, discipline="pt", called_in=timezone.now().date(), answers=ONE_ON_ONE)
    page = client.get(f"/clinics/{mill.pk}/?discipline=pt").content.decode()
    assert "The clinic says one-on-one care; reports after visits show a therapist shared with other patients." in page
    assert "Avoid" in page
