"""Verdicts in search results: shown under the person's bar, sortable, constant queries."""

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
from caretime.verdicts.selectors import Sort, search_with_verdicts
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic

pytestmark = pytest.mark.django_db
LINCOLN_PARK = Point(41.9214, -87.6513)


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/clinics/\d+/[^"]*">([^<]+)</a></h2>', page)


def test_results_show_verdicts_nearest_first_by_default(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = client.get(reverse("clinic-search"), {"near": "60614", "discipline": "pt"}).content.decode()
    assert names_in_order(page) == ["Mill PT", "Near Good PT", "Middling PT", "Silent PT", "Far Good PT"]
    assert page.count("verdict verdict-good") == 2
    assert page.count("verdict-avoid") == 1
    assert page.count("verdict-unknown") == 2


def test_results_sorted_by_verdict_then_distance(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = client.get(
        reverse("clinic-search"), {"near": "60614", "discipline": "pt", "sort": "verdict"}
    ).content.decode()
    assert names_in_order(page) == ["Near Good PT", "Far Good PT", "Middling PT", "Silent PT", "Mill PT"]
    assert "best verdict first (settled verdicts before early signals)" in page
    counts = re.findall(r'<ul class="status-counts">(.*?)</ul>', page, re.S)[0]
    assert re.findall(r"<li>([^<]+)</li>", counts) == [
        "Good: meets your bar: 2",
        "Below your bar: fewer minutes: 1",
        "Unknown: ask before you book: 1",
        "Avoid: signs of a patient mill: 1",
    ]


def test_verdict_sort_follows_the_bar(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    client.post(reverse("set-bar"), {"min_minutes": "40", "every_visit": "yes", "next": "/"})
    page = client.get(
        reverse("clinic-search"), {"near": "60614", "discipline": "pt", "sort": "verdict"}
    ).content.decode()
    assert names_in_order(page)[:3] == ["Near Good PT", "Middling PT", "Far Good PT"]


def test_without_a_therapy_each_offered_therapy_gets_its_verdict(client: Client, db: None) -> None:
    clinic = make_clinic("Both PT OT", latitude=41.92, longitude=-87.65, disciplines=("pt", "ot"))
    add_call(clinic, MILL, discipline="ot")
    add_call(clinic, ONE_ON_ONE, discipline="pt")
    page = client.get(reverse("clinic-search"), {"near": "60614", "sort": "verdict"}).content.decode()
    assert 'Physical therapy: <span class="verdict verdict-good status-meets_bar">' in page
    assert 'Occupational therapy: <span class="verdict verdict-avoid status-mill_signs">' in page


def test_an_unknown_sort_is_refused(client: Client, db: None) -> None:
    response = client.get(reverse("clinic-search"), {"near": "60614", "sort": "rating"})
    assert response.status_code == 400
    assert "sorted by distance, by verdict or by Care Time" in response.content.decode()


def _many_clinics(count: int, reports_each: int) -> None:
    for i in range(count):
        clinic = make_clinic(f"Bulk {i}", latitude=41.90 + i / 1000, longitude=-87.65, disciplines=("pt", "ot"))
        for _ in range(reports_each):
            add_call(clinic, MILL if i % 2 else ONE_ON_ONE)


@pytest.mark.parametrize("sort", [Sort.VERDICT, Sort.DISTANCE])
@pytest.mark.parametrize("discipline", ["pt", None])
def test_query_count_does_not_grow_with_clinics_or_reports(
    django_assert_max_num_queries: Any, sort: Sort, discipline: str | None, clock: TimeMachineFixture
) -> None:
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline=discipline)
    today = timezone.now().date()
    _many_clinics(3, 1)
    geo_index()  # the process's index of the directory, built once per change of the directory
    # the search, one query per evidence source (calls, visits, worker figures, billing), offered
    # therapies, the page, the page's Care Time sums
    with django_assert_max_num_queries(10):
        small = search_with_verdicts(search, bar=Bar(), sort=sort, as_of=today)
    clock.shift(timedelta(seconds=1))  # a directory generation is named by the clock: let it move
    _many_clinics(40, 3)
    geo_index()
    with django_assert_max_num_queries(10):
        large = search_with_verdicts(search, bar=Bar(), sort=sort, as_of=today)
    assert small.total == 3
    assert large.total == 43
    assert len(large.hits) == 20
    if sort == Sort.VERDICT:
        ranks = [hit.best.sort_rank for hit in large.hits if hit.best]
        assert ranks == sorted(ranks, reverse=True)
        # Without a therapy, a clinic ranks by its best therapy: OT (never called) is not enough known.
        worst = Status.MILL_SIGNS if discipline else Status.NOT_ENOUGH_KNOWN
        assert large.counts[Status.MEETS_BAR] + large.counts[worst] == 43
