"""Every test of verdicts runs on a stopped clock."""

from __future__ import annotations

import pytest
from time_machine import TimeMachineFixture


@pytest.fixture(autouse=True)
def _clock_stands_still(clock: TimeMachineFixture) -> None:
    """Verdicts age by the day and read reports dated by the month they arrive in: every test here runs at ``tests.clock.NOON`` unless it moves the clock."""
