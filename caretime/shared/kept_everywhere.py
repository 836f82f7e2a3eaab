"""What one process made and kept, kept for the others too, through the shared cache.

A clinic's care times and the verdict API's answers are the same in every worker, and each
costs a dozen queries to make; kept only in the process that made them, each worker makes them
again, so most of a clinic's first asks cost the full price. Here a value is kept in this
process (``caretime.core.kept.Kept``) and in the shared cache (Redis in production), under the
same key: what the value is made of, never who asked. A process that finds it in the shared
cache keeps it too. Sharing is only a saving: when the shared cache refuses a write, the value
is still answered, and kept in this process. An entry of the shared cache lives
``SHARED_SECONDS`` (as a cached search answer), so that Redis, which runs without eviction
(docs/operations.md), holds only what was asked for lately.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Hashable
from typing import Generic, TypeVar

from django.core.cache import cache

from caretime.core.kept import Kept
from caretime.directory.search_cache import ANSWER_SECONDS

V = TypeVar("V")
logger = logging.getLogger(__name__)

SHARED_SECONDS = ANSWER_SECONDS


class KeptEverywhere(Generic[V]):
    """Values by key, in this process (the ``size`` last used) and in the shared cache."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.here: Kept[V] = Kept(size)

    def get(self, key: Hashable) -> V | None:
        found = self.here.get(key)
        if found is None:
            found = cache.get(self._shared_key(key))
            if found is not None:
                self.here.put(key, found)
        return found

    def put(self, key: Hashable, value: V) -> None:
        self.here.put(key, value)
        try:
            cache.set(self._shared_key(key), value, timeout=SHARED_SECONDS)
        except Exception:  # a full Redis refuses writes (docs/operations.md): the page is still answered
            logger.warning("Could not share a kept %s with the other processes", self.name, exc_info=True)

    def clear(self) -> None:
        """Forget what this process kept (the shared cache's entries expire by themselves)."""
        self.here.clear()

    def _shared_key(self, key: Hashable) -> str:
        # Hashed: a key is a tuple of values (dates, a bar), not a valid cache key; its repr is
        # the same in every process of one release.
        return f"kept:{self.name}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
