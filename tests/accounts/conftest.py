"""People with and without accounts, and empty rate limits for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from tests.factories import make_person


@pytest.fixture(autouse=True)
def _empty_rate_limits(db: None) -> Iterator[None]:
    # allauth keeps its rate-limit counters in the shared cache, which outlives a test's
    # database transaction when it is Redis.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db: None) -> User:
    return make_person("alice@example.org")


@pytest.fixture
def bob(db: None) -> User:
    return make_person("bob@example.org")


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client
