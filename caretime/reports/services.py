"""Writes for reports."""

from __future__ import annotations

from datetime import date

from caretime.core.calls import NOTE_MAX_CHARS, CallAnswers, Contradiction, contradictions
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport


class ContradictoryAnswers(ValueError):
    def __init__(self, found: list[Contradiction]) -> None:
        super().__init__(" ".join(c.message for c in found))
        self.contradictions = found


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def record_call_report(
    *,
    clinic: Clinic,
    discipline: str,
    called_in: date,
    answers: CallAnswers,
    note: str = "",
    received_on: date,
    is_demo: bool = False,
) -> CallReport:
    """Store what a clinic said on a call. Only the month of the call is kept."""
    found = contradictions(answers)
    if found:
        raise ContradictoryAnswers(found)
    if len(note) > NOTE_MAX_CHARS:
        raise ValueError(f"the note is longer than {NOTE_MAX_CHARS} characters")
    report = CallReport.from_answers(
        answers,
        clinic=clinic,
        discipline=discipline,
        called_in=first_of_month(called_in),
        note=note.strip(),
        received_on=received_on,
        is_demo=is_demo,
    )
    report.save()
    return report
