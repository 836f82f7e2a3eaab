"""Reading what clinics state about themselves: their statements as evidence (only while the
claim they were made under stands), and the newest schedule sample of a clinic."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from caretime.clinicside.models import Claim, ClaimState, ScheduleSample, Statement
from caretime.core.calls import FollowUpBy
from caretime.core.evidence import Evidence, EvidenceKey
from caretime.core.statement import ClinicStatement, statement_evidence
from caretime.directory.clinic_rows import clinic_models, clinic_rows
from caretime.directory.models import Clinic


def _standing(discipline: str | None) -> QuerySet[Statement]:
    found = Statement.objects.filter(claim__state=ClaimState.CONFIRMED)
    return found.filter(discipline=discipline) if discipline else found


def standing_statements(clinic_ids: Sequence[int], discipline: str | None = None) -> QuerySet[Statement]:
    return _standing(discipline).filter(clinic_id__in=list(clinic_ids))


# The standing statements of a few clinics as evidence reads them, compiled once
# (``caretime.directory.clinic_rows``); one a clinic and therapy at most, so in no order.
standing_statement_rows = clinic_models(Statement, _standing)


def as_statement(row: Statement) -> ClinicStatement:
    return ClinicStatement(
        one_on_one_minutes=row.one_on_one_minutes,
        every_visit=row.every_visit,
        most_patients_at_once=row.most_patients_at_once,
        follow_up_by=FollowUpBy(row.follow_up_by),
    )


def statement_evidence_of(rows: Iterable[Statement]) -> dict[EvidenceKey, list[Evidence]]:
    found: dict[EvidenceKey, list[Evidence]] = {}
    for row in rows:
        found.setdefault((row.clinic_id, row.discipline), []).append(
            statement_evidence(as_statement(row), stated_on=row.stated_on)
        )
    return found


def newest_schedule(clinic_id: int) -> ScheduleSample | None:
    """The newest sample sent under a claim that still stands."""
    return ScheduleSample.objects.filter(clinic_id=clinic_id, claim__state=ClaimState.CONFIRMED).first()


def who_speaks_and_when_confirmed(clinic_id: int) -> tuple[int | None, date | None]:
    """The account that speaks for the clinic (None: nobody) and the day its listing was last
    confirmed (None: never), in one query compiled once (``clinic_rows``): every clinic page asks."""
    rows = _speakers([clinic_id])
    return rows[0] if rows else (None, None)


def _speakers_query(_: str | None) -> QuerySet[Any]:
    speaker = Claim.objects.filter(clinic_id=OuterRef("pk"), state=ClaimState.CONFIRMED).values("account_id")[:1]
    return Clinic.objects.annotate(speaker=Subquery(speaker)).values_list("speaker", "listing__last_confirmed_on")


_speakers = clinic_rows(_speakers_query, column="id")
