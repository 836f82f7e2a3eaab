"""Every test of reviews runs on a stopped clock."""

from __future__ import annotations

import pytest
from time_machine import TimeMachineFixture


@pytest.fixture(autouse=True)
def _clock_stands_still(clock: TimeMachineFixture) -> None:
    """Reviews are dated by the day, limited by the day and frozen for hours after a burst: every test here runs at ``tests.clock.NOON`` unless it moves the clock."""
