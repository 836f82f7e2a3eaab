"""Progress for long commands: a rich progress bar in a terminal, plain lines otherwise."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

ProgressCallback = Callable[[str, int, int], None]


class Writer(Protocol):
    def write(self, text: str) -> object: ...


PLAIN_LINE_INTERVAL_SECONDS = 5.0


@contextlib.contextmanager
def progress_reporter(out: Writer, title: str) -> Iterator[ProgressCallback]:
    """Yield a callback ``(stage, done, total)``; total 0 means the total is unknown."""
    if _is_terminal(out):
        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def update(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(f"{title}: {stage}", total=total or None)
                bar.update(tasks[stage], completed=done, total=total or None)

            yield update
        return

    last = 0.0

    def plain(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PLAIN_LINE_INTERVAL_SECONDS or (total and done >= total):
            last = now
            of_total = f" of {total:,}" if total else ""
            out.write(f"{title}: {stage} {done:,}{of_total}\n")

    yield plain


def _is_terminal(out: Writer) -> bool:
    stream = getattr(out, "_out", out)  # Django's OutputWrapper keeps the real stream here
    try:
        return stream is sys.stdout and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
