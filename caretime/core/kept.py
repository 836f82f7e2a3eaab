"""What a process rendered or computed once, kept under what it shows.

The results page's cards, the forms' widgets of choices, the parts of pages, a clinic's care
times and the verdict API's answers are each kept in one of these: the key is everything the
kept value depends on, so nothing is ever invalidated, a changed input makes a new key, and the
least recently used goes first when the process keeps ``size`` of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")

_EVERY_STORE: list[Kept[Any]] = []


def forget_everything_kept() -> None:
    """Empty every store of this process (tests, whose rows and catalogues change between
    tests where a worker's never do)."""
    for store in _EVERY_STORE:
        store.clear()


class Kept(Generic[V]):
    """The values this process made last, by key (least recently used goes first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()  # the development server and live-server tests run threads
        _EVERY_STORE.append(self)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._values[key] = value
            if len(self._values) > self.size:
                self._values.popitem(last=False)

    def items(self) -> list[tuple[Hashable, V]]:
        """Everything kept, by key (what the tests look through)."""
        with self._lock:
            return list(self._values.items())

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
