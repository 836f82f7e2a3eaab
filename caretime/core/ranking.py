"""The order of search results: the answer first.

A person searching wants a clinic that gives them the time they asked for, so clinics that
meet their bar come first, nearest first; then every other clinic, nearest first. Among the
others a mill is not pushed below a clinic nobody reported: their verdicts and next steps say
which is which, and distance is what the person can act on.
"""

from __future__ import annotations

from caretime.core.verdict import Status


def meets_bar_first(status: Status, distance_miles: float, clinic_id: int) -> tuple[bool, float, int]:
    """The sort key of one clinic; the clinic id only makes equal distances come out the same
    way every time (pages are cut from this order)."""
    return status != Status.MEETS_BAR, distance_miles, clinic_id
