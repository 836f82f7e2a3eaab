"""The moment tests whose answers depend on the day stand still at (through the ``clock``
fixture of tests/conftest.py, or ``time_machine.move_to(NOON, tick=False)``).

Noon on Monday 15 June 2026 (UTC): no midnight, month end or year end within the hours and
days such tests move the clock by, and far enough from the first of the month that "last
month" and "this month" never meet.
"""

from __future__ import annotations

from datetime import UTC, datetime

NOON = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
