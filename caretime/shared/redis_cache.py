"""Django's Redis cache, with one Redis client kept per server instead of one made per call.

Django's backend makes a new ``redis.Redis`` on every get and set, and redis-py builds each new
client's table of reply handlers (some 170 entries): that was about half of the Python calls of
a cached read, and a page reads the cache several times (the generations, kept parts, care
times). A client is safe to share between threads (it takes a connection from its pool per
command), so one per connection pool is kept here; what is stored and how is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClients(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}  # by the id of the pool, which self._pools keeps

    # ``_get_connection_pool`` and ``_client`` are Django's, which its type stubs leave out.
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _KeptClients
