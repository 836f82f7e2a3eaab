"""What allauth is given about a person: an opaque username, and no network address."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings

pytestmark = pytest.mark.django_db


def cache_keys() -> list[str]:
    config: dict[str, Any] = settings.CACHES["default"]
    if config["BACKEND"].endswith("DatabaseCache"):
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(config["LOCATION"])  # our own setting, not input
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608
            return [str(row[0]) for row in cursor.fetchall()]
    client = cache._cache.get_client(write=False)  # type: ignore[attr-defined]  # Django's Redis cache
    return [key.decode() for key in client.keys("*")]


def test_rate_limit_counters_never_hold_the_visitors_address(client: Client) -> None:
    client.post("/accounts/signup/", {"email": "carol@example.org"}, REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/login/", {"login": "carol@example.org"}, REMOTE_ADDR="203.0.113.7")
    keys = [key for key in cache_keys() if "allauth" in key]
    assert keys, "allauth counted the requests"
    assert not any("203.0.113.7" in key for key in keys)


def test_the_address_is_replaced_by_a_keyed_hash_ipv6_by_its_64(rf: RequestFactory) -> None:
    adapter = get_adapter()

    def seen(address: str, forwarded_for: str = "") -> str:
        request = rf.get("/", REMOTE_ADDR=address)
        if forwarded_for:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
        return str(adapter.get_client_ip(request))

    assert seen("203.0.113.7") == seen("203.0.113.7")
    assert "203.0.113.7" not in seen("203.0.113.7")
    assert seen("203.0.113.7") != seen("203.0.113.8")
    assert seen("2001:db8:1:2::1") == seen("2001:db8:1:2:ffff::9")
    assert seen("2001:db8:1:2::1") != seen("2001:db8:1:3::1")
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert seen("10.0.0.1", forwarded_for="203.0.113.7") == seen("203.0.113.7")
