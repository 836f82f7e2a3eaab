"""Typical answers a clinic gives to the three questions, shared by tests."""

from __future__ import annotations

from dataclasses import replace

from caretime.core.calls import CallAnswers, Care, FollowUpBy, Visits

ONE_ON_ONE = CallAnswers(
    therapist_minutes=55,
    minutes_withheld=False,
    care=Care.ONE_ON_ONE,
    other_patients=None,
    visits=Visits.EVERY_VISIT,
    follow_up_by=FollowUpBy.THERAPIST,
    visit_length_minutes=60,
)
MILL = CallAnswers(
    therapist_minutes=30,
    minutes_withheld=False,
    care=Care.SHARED,
    other_patients=2,
    visits=Visits.FIRST_VISIT_ONLY,
    follow_up_by=FollowUpBy.AIDE,
    visit_length_minutes=60,
)
MIDDLING = replace(ONE_ON_ONE, therapist_minutes=40)
