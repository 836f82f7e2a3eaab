"""The clinic's side in the demo region: a demo clinic that speaks for itself with a schedule
whose appointments overlap (so it shows no badge), and demo schedules a person trying the demo
can send for a demo clinic they claimed (the claimant's page offers them on demo clinics only)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from caretime.clinicside.models import Channel, Claim, ClaimState, ScheduleSample
from caretime.clinicside.services import store_schedule
from caretime.core.schedule import MIN_WEEKS, read_schedule
from caretime.directory.models import Clinic

# The demo clinic's desk: an account nobody can sign in to (no address to send a code to).
DEMO_DESK = "demo-clinic-desk"


def demo_schedule_csv(*, today: date, overlap: bool) -> bytes:
    """Four weeks before this one of a small clinic's schedule: two therapists, hour-long visits
    back to back; with ``overlap``, a second patient booked into the middle of every day."""
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=MIN_WEEKS)
    rows = ["therapist,patient,start,end"]
    for offset in range(MIN_WEEKS * 7):
        day = monday + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for therapist in ("T1", "T2"):
            for hour in (8, 9, 10, 11, 13, 14, 15):
                rows.append(f"{therapist},P{offset}-{therapist}-{hour},{day}T{hour:02}:00,{day}T{hour + 1:02}:00")
        if overlap:
            rows.append(f"T1,X{offset},{day}T09:30,{day}T10:30")
    return ("\n".join(rows) + "\n").encode()


def demo_schedules_built() -> bool:
    return ScheduleSample.objects.filter(claim__account__username=DEMO_DESK).exists()


def build_demo_clinic_side(*, seed: int, today: date) -> str:
    """One demo clinic, chosen by the seed, claimed by the demo desk with an overlapping schedule.
    Returns its name."""
    clinics = list(Clinic.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True))
    if not clinics:
        return ""
    clinic = Clinic.objects.get(pk=random.Random(seed).choice(clinics))
    desk, _ = User.objects.get_or_create(username=DEMO_DESK, defaults={"email": "", "is_active": False})
    now = timezone.now()
    claim = Claim.objects.create(
        clinic=clinic, account=desk, channel=Channel.LETTER, sent_to="demo", code_hash="", code_expires_at=now,
        state=ClaimState.CONFIRMED, requested_at=now, confirmed_at=now,
    )  # fmt: skip
    store_schedule(claim=claim, summary=read_schedule(demo_schedule_csv(today=today, overlap=True)))
    return clinic.name
