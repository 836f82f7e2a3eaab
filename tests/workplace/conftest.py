"""Every test of workplace runs on a stopped clock."""

from __future__ import annotations

import pytest
from time_machine import TimeMachineFixture


@pytest.fixture(autouse=True)
def _clock_stands_still(clock: TimeMachineFixture) -> None:
    """Worker reports are published by the month they arrived in and are about a year: every test here runs at ``tests.clock.NOON`` unless it moves the clock."""
