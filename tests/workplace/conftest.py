"""Every test of workplace runs on a stopped clock."""

from __future__ import annotations

from typing import Any

import pytest
from time_machine import TimeMachineFixture


@pytest.fixture(autouse=True)
def _clock_stands_still(clock: TimeMachineFixture) -> None:
    """Worker reports are published by the month they arrived in and are about a year: every test here runs at ``tests.clock.NOON`` unless it moves the clock."""


@pytest.fixture
def exact_figures(settings: Any) -> None:
    """Publish the bands of the exact medians and shares, without noise: for tests of what
    figures do (pages, API, verdict, employer search), not of how they are made. The noise has
    its own tests (tests/workplace/test_differencing.py); the site never runs without it."""
    settings.WORKPLACE_NOISE_OFF = True
