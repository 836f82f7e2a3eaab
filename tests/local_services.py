"""Local services some tests need (Redis, PostgreSQL, Chromium): skip without them, fail in CI."""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip when a local service is missing; in CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def redis_url(first_db: int) -> str:
    """A database of the local Redis for one test process: ``first_db`` and the next belong to
    the tests that ask for it, one for each of the suite's two workers, so that one worker's
    emptying it never empties the other's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"redis://127.0.0.1:6379/{first_db + int(worker) % 2}"
