"""A claimed clinic's schedule sample, sent by a program: the CSV text in a JSON body, with the
claimant's personal API token. Only the aggregates are kept (caretime.core.schedule)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from caretime.accounts.auth import TokenOrSessionAuth
from caretime.api.errors import (
    CLINIC_NOT_FOUND,
    CSRF_FAILED,
    INVALID_INPUT,
    INVALID_TOKEN,
    UNAUTHENTICATED,
    ApiError,
    Refusal,
    writes,
)
from caretime.api.reports import get_clinic
from caretime.api.types import StrictBody, Text
from caretime.clinicside.claims import claim_of
from caretime.clinicside.services import upload_schedule
from caretime.core.refusal import Refused
from caretime.core.schedule import MAX_FILE_BYTES, badge_until

router = Router(tags=["the clinic's side"])
signed_in = TokenOrSessionAuth()

NOT_CLAIMANT = Refusal(
    403,
    "not_claimant",
    "The person does not speak for this clinic: claim it first on the clinic's page.",
    "Only the person who speaks for this clinic can send its schedule.",
)
SCHEDULE_REFUSED = Refusal(
    400,
    "invalid_input",
    "The schedule cannot be read as sent (`fields` is `csv`); the message says what to fix.",
    "Line 4: the end must be after the start.",
    name="schedule_refused",
)


class ScheduleIn(StrictBody):
    csv: Text = Field(
        ...,
        max_length=MAX_FILE_BYTES,
        description="The schedule as CSV text: columns therapist, patient, start, end; opaque ids; ISO 8601 local "
        "times to the minute (2026-03-02T09:00); at least 4 weeks in a row.",
    )


class ScheduleOut(Schema):
    clinic_id: int
    received_on: str
    first_day: str
    last_day: str
    weeks: int
    appointments: int
    patients: int
    therapists: int
    most_at_once: int = Field(description="The most appointments of one therapist booked at the same moment.")
    alone_share: float = Field(description="Share of booked patient-minutes that overlap no other appointment.")
    shows_one_on_one: bool = Field(description="No appointment overlaps another of the same therapist.")
    badge_until: str | None = Field(description="The last day the badge is shown, when the schedule earns it.")


@router.post(
    "/clinics/{clinic_id}/schedules",
    **writes(
        {201: ScheduleOut},
        INVALID_INPUT,
        SCHEDULE_REFUSED,
        UNAUTHENTICATED,
        INVALID_TOKEN,
        CSRF_FAILED,
        NOT_CLAIMANT,
        CLINIC_NOT_FOUND,
    ),
    auth=signed_in,
    summary="Send a schedule sample of a clinic you speak for",
)
def create_schedule(request: HttpRequest, clinic_id: int, body: ScheduleIn) -> Status[ScheduleOut]:
    """Needs the personal API token (or the browser session with its CSRF token) of the person
    who claimed the clinic. The file is read and discarded; the answer is all that is kept."""
    user = request.auth  # type: ignore[attr-defined]
    clinic = get_clinic(clinic_id)
    claim = claim_of(user, clinic) if isinstance(user, User) else None
    if claim is None:
        raise ApiError(
            403, NOT_CLAIMANT.code, gettext("Only the person who speaks for this clinic can send its schedule.")
        )
    try:
        sample = upload_schedule(claim=claim, data=body.csv.encode())
    except Refused as refused:
        raise ApiError(400, SCHEDULE_REFUSED.code, " ".join(refused.problems.values()), fields=["csv"]) from None
    return Status(
        201,
        ScheduleOut(
            clinic_id=clinic.pk,
            received_on=sample.received_on.isoformat(),
            first_day=sample.first_day.isoformat(),
            last_day=sample.last_day.isoformat(),
            weeks=sample.weeks,
            appointments=sample.appointments,
            patients=sample.patients,
            therapists=sample.therapists,
            most_at_once=sample.most_at_once,
            alone_share=round(sample.alone_minutes / sample.patient_minutes, 4) if sample.patient_minutes else 1.0,
            shows_one_on_one=sample.one_on_one,
            badge_until=badge_until(sample.received_on).isoformat() if sample.one_on_one else None,
        ),
    )
