"""The shared cache on Redis, as in production (``caretime.shared.redis_cache``): values go in
and come out as Django's backend stores them, through one client kept per server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, cast

import pytest

from caretime.shared.redis_cache import RedisCache
from tests.local_services import redis_up, redis_url, require

REDIS_DBS = 6  # 6 and 7, emptied before and after


@pytest.fixture
def redis_cache() -> Iterator[RedisCache]:
    require(redis_up(), "no Redis at 127.0.0.1:6379")
    cache = RedisCache(redis_url(REDIS_DBS), {})
    cache.clear()
    yield cache
    cache.clear()


def test_values_round_trip_and_expire_as_asked(redis_cache: RedisCache) -> None:
    value = ("a part of a page", 3, {"language": "es"})
    redis_cache.set("part", value, timeout=60)
    assert redis_cache.get("part") == value
    assert redis_cache.get_many(["part", "nothing"]) == {"part": value}
    assert redis_cache.add("part", "other", timeout=60) is False
    redis_cache.set("gone", 1, timeout=0)  # Django's meaning: expired at once
    assert redis_cache.get("gone") is None
    redis_cache.delete("part")
    assert redis_cache.get("part") is None


def test_one_client_serves_every_call_and_every_thread(redis_cache: RedisCache) -> None:
    clients = cast(Any, redis_cache)._cache  # Django's client of the servers, which makes the Redis clients
    client = clients.get_client(write=True)
    assert clients.get_client(write=True) is client
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(clients.get_client(write=True)))
    worker.start()
    worker.join()
    assert seen == [client]
    redis_cache.set("from", "one", timeout=60)
    other = threading.Thread(target=lambda: seen.append(redis_cache.get("from")))
    other.start()
    other.join()
    assert seen[-1] == "one"
