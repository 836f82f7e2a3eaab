"""Answers to repeated searches, kept in the shared cache until the directory changes.

Most searches repeat (the same ZIP code, radius and therapy), and ranking thousands of
clinics in a dense city costs far more than answering from the cache. Every cached
answer is filed under the directory's current *generation*; anything that changes
clinics (the demo builder, the importers) calls ``directory_changed()``, which starts a
new generation, so no answer from before the change is ever served again. Changes made
by hand (the admin, SQL) are seen at the latest when an answer expires.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache

GENERATION_KEY = "directory:generation"
ANSWER_SECONDS = 600


def directory_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh, never-used number: if the cache lost the key, answers filed under an
        # older generation can never match it.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return int(generation)


def directory_changed() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


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
