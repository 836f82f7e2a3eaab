"""What one process made and kept, kept for the others too, through the shared cache.

A clinic's care times and the verdict API's answers are the same in every worker, and each
costs a dozen queries to make; kept only in the process that made them, each worker makes them
again, so most of a clinic's first asks cost the full price. Here a value is kept in this
process (``caretime.core.kept.Kept``) and in the shared cache (Redis in production), under the
same key: what the value is made of, never who asked. A process that finds it in the shared
cache keeps it too. What a request made is written to the shared cache in one round trip after
its response is sent. Sharing is only a saving: when the shared cache refuses a write, the
value was still answered, and is kept in this process. An entry of the shared cache lives
``SHARED_SECONDS`` (as a cached search answer), so that Redis, which runs without eviction
(docs/operations.md), holds only what was asked for lately.

In the shared cache a key is filed under a digest of its pickle, which tells apart any two
keys that are not equal (repr would not: two objects may print alike), and of this release's
code, templates and translations: while an upgrade reloads the workers, old and new ones share
the cache, and neither may take what the other made (a page part of an older template, a value
of a class whose fields changed).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import pickle
from collections.abc import Hashable, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Generic, TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.signals import request_finished, request_started

import caretime
from caretime.core.kept import Kept
from caretime.directory.search_cache import ANSWER_SECONDS

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)
logger = logging.getLogger(__name__)

SHARED_SECONDS = ANSWER_SECONDS


class KeptEverywhere(Generic[V]):
    """Values by key, in this process (the ``size`` last used) and in the shared cache."""

    def __init__(self, name: str, size: int, *, in_database_too: bool = True) -> None:
        self.name = name
        self.here: Kept[V] = Kept(size)
        # Shared through the database's cache table too (no Redis configured): worth it for a
        # value that costs queries to make, not for a rendered part, whose every write there
        # costs more than rendering it again.
        self.in_database_too = in_database_too

    def _sharing(self) -> bool:
        return self.in_database_too or not isinstance(caches["default"], BaseDatabaseCache)

    def get(self, key: Hashable, *, shared: bool = True) -> V | None:
        """The value kept under ``key``; ``shared=False``: only if this process kept it (a key
        that means something in this process alone)."""
        found = self.here.get(key)
        if found is None and shared and self._sharing():
            found = cache.get(self._shared_key(key))
            if found is not None:
                self.here.put(key, found)
        return found

    def put(self, key: Hashable, value: V, *, shared: bool = True) -> None:
        self.here.put(key, value)
        if shared and self._sharing():
            _share(self.name, {self._shared_key(key): value})

    def get_many(self, keys: Sequence[K]) -> dict[K, V]:
        """The values kept under these keys, those this process lacks read from the shared
        cache in one round trip (a page's cards)."""
        found: dict[K, V] = {}
        missing: list[K] = []
        for key in keys:
            value = self.here.get(key)
            if value is None:
                missing.append(key)
            else:
                found[key] = value
        if missing and self._sharing():
            missing_under = {self._shared_key(key): key for key in missing}
            for shared_key, value in cache.get_many(list(missing_under)).items():
                self.here.put(missing_under[shared_key], value)
                found[missing_under[shared_key]] = value
        return found

    def put_many(self, values: Mapping[K, V]) -> None:
        """``put`` of each."""
        for key, value in values.items():
            self.here.put(key, value)
        if values and self._sharing():
            _share(self.name, {self._shared_key(key): value for key, value in values.items()})

    def items(self) -> list[tuple[Hashable, V]]:
        """What this process kept, by key (what the tests look through)."""
        return self.here.items()

    def __len__(self) -> int:
        return len(self.here)

    def clear(self) -> None:
        """Forget what this process kept (the shared cache's entries expire by themselves)."""
        self.here.clear()

    def _shared_key(self, key: Hashable) -> str:
        # Hashed: a key is a tuple of values (dates, a bar), not a valid cache key.
        return f"kept:{self.name}:{release()}:{hashlib.sha256(_pickled(key)).hexdigest()}"


def _pickled(key: Hashable) -> bytes:
    """The key's pickle, written whole: without the memo, which writes a value met twice as a
    reference to the first, equal keys pickle alike whether or not their parts are the same
    objects (a value made here, and the same value unpickled from the shared cache)."""
    written = io.BytesIO()
    pickler = pickle.Pickler(written, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # keys hold no cycles
    pickler.dump(key)
    return written.getvalue()


# What a request made to share: written in one round trip once its response is sent
# (``request_finished`` comes after the last byte), so that sharing costs the person asking
# no wait. Outside a request (a command, a test calling a selector), written at once.
_to_share: ContextVar[dict[str, tuple[str, object]] | None] = ContextVar("kept_to_share", default=None)


def _share(name: str, values: dict[str, object]) -> None:
    waiting = _to_share.get()
    if waiting is None:
        _write({shared_key: (name, value) for shared_key, value in values.items()})
    else:
        waiting.update((shared_key, (name, value)) for shared_key, value in values.items())


def _write(values: dict[str, tuple[str, object]]) -> None:
    try:
        cache.set_many({shared_key: value for shared_key, (_, value) in values.items()}, timeout=SHARED_SECONDS)
    except Exception:  # a full Redis refuses writes (docs/operations.md): the page was still answered
        names = ", ".join(sorted({name for name, _ in values.values()}))
        logger.warning("Could not share a kept %s with the other processes", names, exc_info=True)


def _request_started(**kwargs: object) -> None:
    _to_share.set({})


def _request_finished(**kwargs: object) -> None:
    waiting = _to_share.get()
    _to_share.set(None)
    if waiting:
        _write(waiting)


request_started.connect(_request_started, dispatch_uid="kept_everywhere_started")
request_finished.connect(_request_finished, dispatch_uid="kept_everywhere_finished")


@functools.cache
def release() -> str:
    """A digest of everything in the package (code, templates, translations, data): the same in
    every process of one release, another in the next. Read once per process (some 400 files,
    a few hundredths of a second)."""
    root = Path(caretime.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
