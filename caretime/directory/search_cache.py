"""Answers to repeated searches, kept in the shared cache until the directory changes.

Most searches repeat (the same ZIP code, radius and therapy), and ranking thousands of
clinics in a dense city costs far more than answering from the cache. Every cached
answer is filed under the directory's current *generation*; anything that changes
clinics (the demo builder, the importers, a restore, and saving a clinic, a service or a
clinic's insurance through the ORM) calls ``directory_changed()``, which starts a new
generation, so no answer from before the change is served again (other processes notice
within GENERATION_RECHECK_SECONDS). Each process's index of the directory
(``caretime.directory.geo_index``) is rebuilt for a new generation too. Changes made by hand
in SQL or with ``QuerySet.update()`` are seen with the next generation.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "directory:generation"
ANSWER_SECONDS = 600
# Each process re-reads the generation at most this often: a change made in another
# process is seen within a second, and a cached answer costs one cache look-up, not two.
GENERATION_RECHECK_SECONDS = 1.0

_GENERATIONS: list[Generation] = []
# The last number this process issued or read: a new one is always larger, even when the clock
# stands still (tests stop it) or the cache lost its key, so that nothing kept under an
# earlier number can ever match a new one.
_last_number = [0]


def _new_number() -> int:
    _last_number[0] = max(time.time_ns(), _last_number[0] + 1)
    return _last_number[0]


def _seen_number(number: int) -> int:
    _last_number[0] = max(_last_number[0], number)
    return number


def forget_generations() -> None:
    """Forget this process's readings of every generation (tests, whose cache is rolled back)."""
    for generation in _GENERATIONS:
        generation._seen.clear()


class Generation:
    """A number that changes whenever what it stands for changes: the time in nanoseconds of
    the latest change (or one more than the last number seen, when the clock has not moved),
    kept in the shared cache, so that it also says when that was. Each process re-reads it at
    most every GENERATION_RECHECK_SECONDS."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._seen: dict[str, float] = {}  # this process's last reading: generation, and when it was read
        _GENERATIONS.append(self)

    def current(self) -> int:
        """This process's reading: at most GENERATION_RECHECK_SECONDS old."""
        if "generation" in self._seen and time.monotonic() - self._seen["read_at"] < GENERATION_RECHECK_SECONDS:
            return int(self._seen["generation"])
        return self.read()

    def read(self) -> int:
        """The generation in the shared cache now, which is this process's reading from then on
        (what a request keys on when a write in another process must be seen at once: whatever
        it then reads through ``current`` is of this generation or newer)."""
        now = time.monotonic()
        generation = cache.get(self.key)
        if generation is None:
            # A fresh, never-used number: if the cache lost the key, answers filed under an
            # older generation can never match it.
            cache.add(self.key, _new_number(), timeout=None)
            generation = cache.get(self.key)
        self._seen.update(generation=_seen_number(int(generation)), read_at=now)
        return int(generation)

    def changed(self) -> None:
        self._start()
        # Inside a transaction, another process could read the rows as they were before the
        # commit and keep what it made of them under the new generation: start one more when
        # the rows commit.
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._start)

    def _start(self) -> None:
        generation = _new_number()
        cache.set(self.key, generation, timeout=None)
        self._seen.update(generation=generation, read_at=time.monotonic())


DIRECTORY = Generation(GENERATION_KEY)


def directory_generation() -> int:
    return DIRECTORY.current()


def directory_changed() -> None:
    """Each process keeps an index of the directory per generation (geo_index): a change
    starts a new one, and another when the rows commit."""
    DIRECTORY.changed()


def cached_answer(parts: tuple[object, ...], compute: Callable[[], bytes]) -> bytes:
    """The cached bytes for ``parts`` in this generation, computing them when missing."""
    # Hashed: the parts hold what people typed, which may not be a valid cache key.
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"search:{directory_generation()}:{digest}"
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, timeout=ANSWER_SECONDS)
    return bytes(answer)
