"""Search by what patients report: a clinic patients report one-on-one time at comes first,
"only clinics that meet my bar", old links, and what patients report set against what the
clinic said."""

from __future__ import annotations

import re
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
from caretime.verdicts.selectors import search_with_verdicts
from tests.answers import ONE_ON_ONE
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

LINCOLN_PARK = Point(41.9227, -87.6533)
ONE_ON_ONE_VISIT = VisitFacts(VisitKind.EARLY_FOLLOW_UP, 60, 55, 0, 0, WholeTime.YES, False)
MILL_VISIT = VisitFacts(VisitKind.EARLY_FOLLOW_UP, 60, 20, 30, 2, WholeTime.NO, False)
_people = iter(range(10_000))


def patients_report(clinic: Clinic, facts: VisitFacts, *, people: int) -> None:
    start = timezone.now() - timedelta(days=2)
    minutes = facts.therapist_minutes or 0
    for index in range(people):
        n = next(_people)
        user = User.objects.create_user(username=f"patient{n}", email=f"patient{n}@example.org")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        record_visit_report(
            account=user,
            clinic=clinic,
            discipline="pt",
            visited_in=start.date(),
            facts=replace(facts, therapist_minutes=minutes + 5 * (index % 2)),
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


def test_what_patients_report_puts_the_good_clinic_first(client: Client, three: dict[str, Clinic]) -> None:
    page = client.get("/clinics/", {"near": "60614", "discipline": "pt"})
    assert names(page) == ["Far Good PT", "Near Mill PT", "Middle PT"]  # then nearest first
    assert "Care Time: typically 55 minutes one-on-one, by 3 patients" in page.content.decode()


def test_only_clinics_that_meet_my_bar(client: Client, three: dict[str, Clinic]) -> None:
    only = client.get("/clinics/", {"near": "60614", "discipline": "pt", "meets_bar": "1"})
    assert names(only) == ["Far Good PT"]
    assert "1 clinic within 25 miles meets your bar, nearest first." in only.content.decode()
    client.post("/your-bar/", {"min_minutes": "60", "every_visit": "yes", "next": "/"})
    stricter = client.get("/clinics/", {"near": "60614", "discipline": "pt", "meets_bar": "1"})
    assert names(stricter) == []  # 55 and 60 minutes reported: the median is below 60
    assert re.search(r"No clinic within 25 miles of [^<]*60614[^<]* meets your bar yet\.", stricter.content.decode())


@pytest.mark.parametrize(
    "old",
    [{"sort": "care_time"}, {"sort": "verdict"}, {"sort": "rating"}, {"only_minutes": "90"}, {"include_unknown": "1"}],
)
def test_old_links_with_the_sort_or_the_minutes_filter_still_work(
    client: Client, three: dict[str, Clinic], old: dict[str, str]
) -> None:
    response = client.get("/clinics/", {"near": "60614", "discipline": "pt", **old})
    assert response.status_code == 200
    assert names(response) == ["Far Good PT", "Near Mill PT", "Middle PT"]
    # The page's own links and forms leave the old parameter behind.
    page, (param,) = response.content.decode(), old
    assert not [href for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', page) if f"{param}=" in href]
    assert f'name="{param}"' not in page


def test_ranking_takes_a_fixed_number_of_queries(
    three: dict[str, Clinic], django_assert_max_num_queries: Any, clock: TimeMachineFixture
) -> None:
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline="pt")
    today = timezone.now().date()
    # the verdicts' stored sums, the page (3), the page's calls, visits, worker figures,
    # billing and Care Time sums
    geo_index()  # the process's index of the directory, built once per change of the directory
    with django_assert_max_num_queries(10):
        first = search_with_verdicts(search, bar=Bar(), as_of=today, only_meeting=True)
    clock.shift(timedelta(seconds=1))  # a directory generation is named by the clock: let it move
    for index in range(30):
        make_clinic(f"Extra {index}", latitude=41.90 + index / 1000, longitude=-87.64)
    geo_index()
    with django_assert_max_num_queries(10):
        second = search_with_verdicts(search, bar=Bar(), as_of=today)
    assert (first.total, second.total) == (1, 33)


def test_what_patients_report_is_set_against_what_the_clinic_said(client: Client, three: dict[str, Clinic]) -> None:
    mill = three["mill"]
    record_call_report(clinic=mill, discipline="pt", called_in=timezone.now().date(), answers=ONE_ON_ONE)
    page = client.get(f"/clinics/{mill.pk}/?discipline=pt").content.decode()
    assert "The clinic says one-on-one care; reports after visits show a therapist shared with other patients." in page
    assert "Avoid" in page
