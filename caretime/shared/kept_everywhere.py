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
from dataclasses import fields, is_dataclass
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
    objects (a value made here, and the same value unpickled from the shared cache). A frozen
    dataclass in it is written as a digest of its class and fields (``digest_of``)."""
    return _written(key, _KeyPickler)


def _written(value: object, pickler_class: type[pickle.Pickler]) -> bytes:
    written = io.BytesIO()
    pickler = pickler_class(written, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # keys hold no cycles
    pickler.dump(value)
    return written.getvalue()


class _KeyPickler(pickle.Pickler):
    def reducer_override(self, obj: object) -> object:
        if is_dataclass(obj) and not isinstance(obj, type) and obj.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            return _digest, (digest_of(obj),)
        return NotImplemented


def _digest(digest: bytes) -> bytes:
    """What a frozen dataclass is written as in a key's pickle (never unpickled: only hashed)."""
    return digest


def digest_of(value: object) -> bytes:
    """The digest of a frozen dataclass's fields' pickle with its class's name, made once per object.
    A clinic page keys half a dozen parts on the same care times (some kilobytes of pickle
    each): written out in every key, they cost more than the parts' look-ups. Equal values
    get equal digests as their pickles are equal; the object is kept with its digest, so that
    its id is not taken by another while the digest is kept under it. Only for a value that
    hashes (TypeError otherwise): one with a list inside could change after its digest was made."""
    found = _digests.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    hash(value)
    kind = type(value)
    # Written whole: digests of the dataclasses inside it would cost more than they save.
    written = _written(tuple(getattr(value, field.name) for field in fields(value)), pickle.Pickler)  # type: ignore[arg-type]
    digest = hashlib.sha256(f"{kind.__module__}.{kind.__qualname__}".encode() + written).digest()
    _digests.put(id(value), (value, digest))
    return digest


# The values of the keys of a few pages: a request keys its parts on the same few objects.
_digests: Kept[tuple[object, bytes]] = Kept(256)


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
