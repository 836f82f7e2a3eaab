"""Typical answers shared by tests: what a clinic says to the three questions, what a patient
reports of a visit, what a clinician reports of a workplace."""

from __future__ import annotations

from dataclasses import replace

from caretime.core.calls import CallAnswers, Care, FollowUpBy, Visits
from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.core.workplace import AideCare, Booking, WorkerAnswers

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

# A patient's visit: most of an hour alone with the therapist; and a mill's visit.
GOOD_VISIT = VisitFacts(
    visit_kind=VisitKind.EARLY_FOLLOW_UP,
    scheduled_minutes=60,
    therapist_minutes=50,
    aide_minutes=5,
    other_patients=0,
    whole_time=WholeTime.YES,
    connected=False,
)
MILL_VISIT = replace(GOOD_VISIT, therapist_minutes=15, aide_minutes=40, other_patients=3, whole_time=WholeTime.NO)

# How a patient mill books (domain, section 3: 4-5 an hour at times, quotas pushed to 90-95 %).
MILL_WORKPLACE = WorkerAnswers(
    patients_per_hour_typical=4,
    patients_per_hour_peak=6,
    slot_minutes=30,
    booking=Booking.EVERY_DAY,
    quota_percent=95,
    unpaid_documentation_minutes=60,
    aides_skilled_care=AideCare.OFTEN,
    would_recommend=False,
)
# How a one-on-one clinic books: one patient an hour, never double-booked, a sustainable quota.
ONE_ON_ONE_WORKPLACE = WorkerAnswers(
    patients_per_hour_typical=1,
    patients_per_hour_peak=1,
    slot_minutes=60,
    booking=Booking.NEVER,
    quota_percent=80,
    unpaid_documentation_minutes=0,
    aides_skilled_care=AideCare.NO,
    would_recommend=True,
)
