"""Repeated API searches are answered from the cache, and never after the directory changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic, InsurancePlan
from caretime.directory.search_cache import directory_changed, directory_generation

pytestmark = pytest.mark.django_db


def names(client: Client, near: str = "60614") -> list[str]:
    response = client.get("/api/v1/clinics", {"near": near, "radius_miles": "25"})
    assert response.status_code == 200
    return [item["name"] for item in response.json()["items"]]


def test_a_repeated_search_is_answered_from_the_cache_without_queries(
    client: Client, chicago_clinics: dict[str, Clinic], django_assert_max_num_queries: object
) -> None:
    first = names(client)
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert names(client) == first  # the cache's own lookups only
    # A spelling of the same place shares the answer.
    assert names(client, "60614-0001") == first


def test_a_change_to_the_directory_starts_a_new_generation(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    assert "Lincoln Park PT" in names(client)
    Clinic.objects.filter(name="Lincoln Park PT").update(name="Renamed Clinic")
    assert "Lincoln Park PT" in names(client)  # a change by hand waits for the answer to expire...
    directory_changed()
    assert "Renamed Clinic" in names(client)  # ...a change through the code is seen at once


def test_rebuilding_the_demo_region_is_seen_at_once(client: Client) -> None:
    build_demo_region(seed=1, clinics=40)
    before = names(client, "Chicago, IL")
    build_demo_region(seed=2, clinics=40)
    assert names(client, "Chicago, IL") != before


def test_refused_searches_are_not_cached(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    query = {"near": "60614", "insurance": "acme-health"}
    refused = client.get("/api/v1/clinics", query)
    assert refused.status_code == 400
    # once the plan exists the same search is answered: a cached refusal would still say 400
    InsurancePlan.objects.create(name="Acme Health", slug="acme-health")
    answered = client.get("/api/v1/clinics", query)
    assert answered.status_code == 200
    assert answered.json()["total"] == 0


def test_a_change_inside_a_transaction_starts_another_generation_when_it_commits(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Another process may rebuild its index from the rows as they were before the commit,
    under the generation started inside the transaction: it must not keep it."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        directory_changed()
        inside = directory_generation()
    assert directory_generation() != inside


def test_a_new_generation_differs_from_every_earlier_one_even_with_the_clock_stopped() -> None:
    """Whatever is kept under a generation must never match a later one: with the clock
    stopped (as in tests) and with the shared cache losing its key (a restart, an eviction)."""
    import time_machine
    from django.core.cache import cache

    from caretime.directory import search_cache

    with time_machine.travel("2026-03-02 10:00", tick=False):
        seen = [directory_generation()]
        for _ in range(3):
            directory_changed()
            seen.append(directory_generation())
        cache.delete(search_cache.GENERATION_KEY)
        search_cache.forget_generations()
        seen.append(directory_generation())
    assert len(set(seen)) == len(seen)
    assert seen == sorted(seen)
