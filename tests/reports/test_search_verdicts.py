"""Verdicts in search results: judged under the person's bar, those that meet it first, in a
fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from caretime.core.geo import Point
from caretime.core.verdict import Bar, Status
from caretime.directory.geo_index import geo_index
from caretime.directory.models import Clinic
from caretime.directory.selectors import ClinicSearch
from caretime.verdicts.selectors import search_with_verdicts
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic

pytestmark = pytest.mark.django_db
LINCOLN_PARK = Point(41.9214, -87.6513)


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<h2[^>]*><a href="/clinics/\d+/[^"]*">([^<]+)</a></h2>', page)


def test_results_put_the_clinics_that_meet_the_bar_first(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = client.get(reverse("clinic-search"), {"near": "60614", "discipline": "pt"}).content.decode()
    # The mill is nearest, yet the two Good clinics come first; then the rest, nearest first.
    assert names_in_order(page) == ["Near Good PT", "Far Good PT", "Mill PT", "Middling PT", "Silent PT"]
    assert page.count("verdict verdict-good") == 2
    assert page.count("verdict-avoid") == 1
    assert page.count("verdict-unknown") == 2
    assert "2 meet your bar and come first, then the others, nearest first." in page


def test_the_order_follows_the_bar(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    client.post(reverse("set-bar"), {"min_minutes": "40", "every_visit": "yes", "next": "/"})
    page = client.get(reverse("clinic-search"), {"near": "60614", "discipline": "pt"}).content.decode()
    assert names_in_order(page)[:3] == ["Near Good PT", "Middling PT", "Far Good PT"]


def test_without_a_therapy_each_offered_therapy_gets_its_verdict(client: Client, db: None) -> None:
    clinic = make_clinic("Both PT OT", latitude=41.92, longitude=-87.65, disciplines=("pt", "ot"))
    add_call(clinic, MILL, discipline="ot")
    add_call(clinic, ONE_ON_ONE, discipline="pt")
    page = client.get(reverse("clinic-search"), {"near": "60614"}).content.decode()
    assert 'Physical therapy: <span class="verdict verdict-good status-meets_bar">' in page
    assert 'Occupational therapy: <span class="verdict verdict-avoid status-mill_signs">' in page


def _many_clinics(count: int, reports_each: int) -> None:
    for i in range(count):
        clinic = make_clinic(f"Bulk {i}", latitude=41.90 + i / 1000, longitude=-87.65, disciplines=("pt", "ot"))
        for _ in range(reports_each):
            add_call(clinic, MILL if i % 2 else ONE_ON_ONE)


@pytest.mark.parametrize("only_meeting", [False, True])
@pytest.mark.parametrize("discipline", ["pt", None])
def test_query_count_does_not_grow_with_clinics_or_reports(
    django_assert_max_num_queries: Any, only_meeting: bool, discipline: str | None, clock: TimeMachineFixture
) -> None:
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline=discipline)
    today = timezone.now().date()
    _many_clinics(3, 1)
    geo_index()  # the process's index of the directory, built once per change of the directory
    # the search, one query per evidence source (calls, visits, worker figures, billing), offered
    # therapies, the page, the page's Care Time sums
    with django_assert_max_num_queries(10):
        small = search_with_verdicts(search, bar=Bar(), as_of=today, only_meeting=only_meeting)
    clock.shift(timedelta(seconds=1))  # a directory generation is named by the clock: let it move
    _many_clinics(40, 3)
    geo_index()
    with django_assert_max_num_queries(10):
        large = search_with_verdicts(search, bar=Bar(), as_of=today, only_meeting=only_meeting)
    # Even clinics were called one-on-one and meet the bar, odd ones a mill (OT never called).
    assert (small.meeting, large.meeting) == (2, 22)
    assert (small.total, large.total) == ((2, 22) if only_meeting else (3, 43))
    assert [hit.best.status if hit.best else None for hit in large.hits] == [Status.MEETS_BAR] * 20
