"""What a claimed clinic states about its own care, and when people's reports contradict it.

A clinic's statement is the clinic speaking for itself, as on a call, but written once and
shown on its page until changed: so it weighs less than one patient's report of one visit
(``STATED_WEIGHT``), and less than a call, which a stranger heard for themselves. It is
weighed with the calls as what the clinic *says* (``caretime.core.verdict.STATED_SOURCES``),
against what patients and clinicians report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from caretime.core.calls import FollowUpBy
from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.text import gettext_noop, ngettext_noop
from caretime.core.wording import Listed, Message

# Half a patient's report of one visit (weight 1): the clinic says it about itself.
STATED_WEIGHT = 0.5
MAX_MINUTES = 240
MAX_PATIENTS_AT_ONCE = 20
# Who can contradict what a clinic states or shows: people who were there.
WITNESS_SOURCES = frozenset({EvidenceSource.PATIENT_REPORT, EvidenceSource.WORKER_REPORT})


@dataclass(frozen=True, slots=True)
class ClinicStatement:
    one_on_one_minutes: int
    every_visit: bool  # one-on-one on every visit, not only the first
    most_patients_at_once: int  # the most patients one therapist treats at the same time
    follow_up_by: FollowUpBy  # who treats on follow-up visits (never NOT_SAID)

    @property
    def one_on_one(self) -> bool:
        return self.most_patients_at_once <= 1


def statement_problems(statement: ClinicStatement) -> dict[str, str]:
    """What cannot all be true at once, by field (the form and the API say the same)."""
    s = statement
    problems: dict[str, str] = {}
    if not 0 < s.one_on_one_minutes <= MAX_MINUTES:
        problems["one_on_one_minutes"] = str(
            Message(gettext_noop("Enter the minutes one-on-one, from 1 to %(most)s."), {"most": MAX_MINUTES})
        )
    if not 1 <= s.most_patients_at_once <= MAX_PATIENTS_AT_ONCE:
        problems["most_patients_at_once"] = str(
            Message(
                gettext_noop("Enter the most patients at once, from 1 to %(most)s."), {"most": MAX_PATIENTS_AT_ONCE}
            )
        )
    if s.follow_up_by == FollowUpBy.NOT_SAID:
        problems["follow_up_by"] = str(Message(gettext_noop("Choose who treats on follow-up visits.")))
    elif s.every_visit and s.follow_up_by == FollowUpBy.AIDE:
        problems["every_visit"] = str(
            Message(
                gettext_noop(
                    "Every visit and who treats on follow-up visits disagree: if an aide treats on follow-up visits, "
                    "one-on-one care with the therapist is not on every visit."
                )
            )
        )
    return problems


def describe_statement(statement: ClinicStatement) -> str:
    s = statement
    parts = [Message.counted(ngettext_noop("%(count)s minute", "%(count)s minutes"), s.one_on_one_minutes)]
    if s.one_on_one:
        parts.append(Message(gettext_noop("one-on-one")))
    else:
        parts.append(
            Message.counted(
                ngettext_noop("up to %(count)s patient at once", "up to %(count)s patients at once"),
                s.most_patients_at_once,
            )
        )
    parts.append(
        Message(gettext_noop("every visit") if s.every_visit else gettext_noop("one-on-one only on the first visit"))
    )
    return str(Listed(tuple(parts)))


def statement_evidence(statement: ClinicStatement, *, stated_on: date) -> Evidence:
    """The statement as evidence for the verdict, dated by the month it was last stated."""
    s = statement
    return Evidence(
        source=EvidenceSource.DECLARED_POLICY,
        observed_on=stated_on.replace(day=1),
        weight=STATED_WEIGHT,
        one_on_one_minutes=float(s.one_on_one_minutes),
        shared=not s.one_on_one,
        # An aide on follow-up visits ends the therapist's one-on-one care after the first.
        every_visit=s.every_visit and s.follow_up_by != FollowUpBy.AIDE,
        summary=describe_statement(s),
    )


def contradicting_people(
    evidence: Iterable[Evidence], *, one_on_one: bool, every_visit: bool | None = None, minutes: int | None = None
) -> int:
    """How many people (patients, clinicians) reported the opposite of what the clinic states
    or its schedule shows: shared care against one-on-one, one-on-one only on the first visit
    against every visit, and, against stated minutes, fewer one-on-one minutes by more than a
    quarter of an hour (the time of a visit is never measured to the minute). A person's
    several reports count once; an aggregate counts as the people it stands for."""
    people: set[str] = set()
    anonymous = 0
    for item in evidence:
        if item.source not in WITNESS_SOURCES or not _contradicts(item, one_on_one, every_visit, minutes):
            continue
        if item.person:
            people.add(item.person)
        else:
            anonymous += max(1, item.reporters)
    return len(people) + anonymous


# Reported minutes this much below what a clinic states contradict it.
MINUTES_TOLERANCE = 15


def _contradicts(item: Evidence, one_on_one: bool, every_visit: bool | None, minutes: int | None) -> bool:
    if one_on_one and item.shared is True:
        return True
    if every_visit is True and item.every_visit is False:
        return True
    return (
        minutes is not None
        and item.one_on_one_minutes is not None
        and not item.minutes_are_lower_bound
        and item.one_on_one_minutes < minutes - MINUTES_TOLERANCE
    )
