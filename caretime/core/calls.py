"""A call report: what a clinic answered to the three questions, checked for sense.

The web form and the API both check answers here, so both refuse the same impossible
combinations with the same words, naming the fields that disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.text import gettext_noop, ngettext_noop
from caretime.core.verdict import Bar, Status, assess
from caretime.core.wording import Listed, Message

MAX_MINUTES = 240
MAX_OTHER_PATIENTS = 20
NOTE_MAX_CHARS = 1000
CALL_WEIGHT = 1.0


class Care(enum.StrEnum):
    ONE_ON_ONE = "one_on_one"
    SHARED = "shared"
    NOT_SAID = "not_said"


class Visits(enum.StrEnum):
    EVERY_VISIT = "every_visit"
    FIRST_VISIT_ONLY = "first_visit_only"
    NOT_SAID = "not_said"


class FollowUpBy(enum.StrEnum):
    THERAPIST = "therapist"
    ASSISTANT = "assistant"  # a licensed therapist assistant (PTA, COTA, SLPA)
    AIDE = "aide"  # an unlicensed aide or technician
    NOT_SAID = "not_said"


CARE_LABELS = {
    Care.ONE_ON_ONE: gettext_noop("One-on-one"),
    Care.SHARED: gettext_noop("Shared with other patients at the same time"),
    Care.NOT_SAID: gettext_noop("They would not say"),
}
VISITS_LABELS = {
    Visits.EVERY_VISIT: gettext_noop("Every visit, for the whole time"),
    Visits.FIRST_VISIT_ONLY: gettext_noop("Only the first visit"),
    Visits.NOT_SAID: gettext_noop("They would not say"),
}
FOLLOW_UP_LABELS = {
    FollowUpBy.THERAPIST: gettext_noop("The therapist"),
    FollowUpBy.ASSISTANT: gettext_noop("A therapist assistant (PTA, COTA or SLPA)"),
    FollowUpBy.AIDE: gettext_noop("An aide or technician"),
    FollowUpBy.NOT_SAID: gettext_noop("They would not say"),
}


@dataclass(frozen=True, slots=True)
class CallAnswers:
    therapist_minutes: int | None  # None: not given (see minutes_withheld)
    minutes_withheld: bool
    care: Care
    other_patients: int | None  # other patients at the same time, when shared
    visits: Visits
    follow_up_by: FollowUpBy
    visit_length_minutes: int | None


@dataclass(frozen=True, slots=True)
class Contradiction:
    fields: tuple[str, ...]
    said: Message

    @property
    def message(self) -> str:
        """The message in the language it is shown in."""
        return str(self.said)


def _contradiction(fields: tuple[str, ...], message: str | Message) -> Contradiction:
    """``message``: a message id marked with ``gettext_noop``, or a message with parameters."""
    return Contradiction(fields, message if isinstance(message, Message) else Message(message))


def contradictions(answers: CallAnswers) -> list[Contradiction]:
    """Answers that cannot all be true at once, each naming the fields that disagree."""
    a = answers
    found: list[Contradiction] = []
    if a.therapist_minutes is not None and a.minutes_withheld:
        found.append(
            _contradiction(
                ("therapist_minutes", "minutes_withheld"),
                gettext_noop(
                    "Minutes with the therapist and “they would not say” disagree: give the minutes or tick the box, not both."
                ),
            )
        )
    if a.therapist_minutes is None and not a.minutes_withheld:
        found.append(
            _contradiction(
                ("therapist_minutes", "minutes_withheld"),
                gettext_noop("Enter the minutes with the therapist, or tick “they would not say”."),
            )
        )
    if (
        a.therapist_minutes is not None
        and a.visit_length_minutes is not None
        and a.therapist_minutes > a.visit_length_minutes
    ):
        found.append(
            _contradiction(
                ("therapist_minutes", "visit_length_minutes"),
                Message(
                    gettext_noop(
                        "Minutes with the therapist and visit length disagree: %(minutes)s minutes with the "
                        "therapist cannot fit in a %(length)s-minute visit."
                    ),
                    {"minutes": a.therapist_minutes, "length": a.visit_length_minutes},
                ),
            )
        )
    if a.care == Care.ONE_ON_ONE and a.other_patients:
        found.append(
            _contradiction(
                ("care", "other_patients"),
                Message.counted(
                    ngettext_noop(
                        "One-on-one and other patients disagree: one-on-one means no other patients at the same "
                        "time, but %(count)s other patient was entered.",
                        "One-on-one and other patients disagree: one-on-one means no other patients at the same "
                        "time, but %(count)s other patients were entered.",
                    ),
                    a.other_patients,
                ),
            )
        )
    if a.care == Care.SHARED and a.other_patients == 0:
        found.append(
            _contradiction(
                ("care", "other_patients"),
                gettext_noop(
                    "Shared and other patients disagree: shared care means at least 1 other patient at the same time, "
                    "but 0 was entered. Leave it empty if they did not say how many."
                ),
            )
        )
    if a.care == Care.NOT_SAID and a.other_patients:
        found.append(
            _contradiction(
                ("care", "other_patients"),
                gettext_noop(
                    "“They would not say” and other patients disagree: if they named other patients at the same time, "
                    "choose “shared”."
                ),
            )
        )
    if a.care == Care.ONE_ON_ONE and a.therapist_minutes == 0:
        found.append(
            _contradiction(
                ("therapist_minutes", "care"),
                gettext_noop(
                    "Minutes with the therapist and one-on-one disagree: one-on-one care with 0 minutes with the "
                    "therapist is not possible."
                ),
            )
        )
    if a.visits == Visits.EVERY_VISIT and a.follow_up_by == FollowUpBy.AIDE:
        found.append(
            _contradiction(
                ("visits", "follow_up_by"),
                gettext_noop(
                    "Every visit and who treats on follow-up visits disagree: if an aide treats on follow-up visits, "
                    "one-on-one care with the therapist is not on every visit."
                ),
            )
        )
    return found


_EVERY_VISIT = {Visits.EVERY_VISIT: True, Visits.FIRST_VISIT_ONLY: False, Visits.NOT_SAID: None}
_SHARED = {Care.ONE_ON_ONE: False, Care.SHARED: True, Care.NOT_SAID: None}


def call_evidence(answers: CallAnswers, *, called_in: date, person: str = "") -> Evidence:
    """The clinic's answers on one call as evidence for the verdict; ``person`` tells a
    signed-in caller's calls apart from another's."""
    a = answers
    every_visit = _EVERY_VISIT[a.visits]
    if every_visit is None and a.follow_up_by == FollowUpBy.AIDE:
        # An aide on follow-up visits means the therapist's one-on-one care ends after the first.
        every_visit = False
    return Evidence(
        source=EvidenceSource.CALL,
        observed_on=called_in,
        weight=CALL_WEIGHT,
        one_on_one_minutes=float(a.therapist_minutes) if a.therapist_minutes is not None else None,
        shared=_SHARED[a.care],
        every_visit=every_visit,
        minutes_withheld=a.minutes_withheld,
        person=person,
    )


def describe(answers: CallAnswers) -> str:
    """The answers in a few plain words, e.g. "30 minutes, shared with 2 other patients"."""
    a = answers
    parts = [
        Message.counted(ngettext_noop("%(count)s minute", "%(count)s minutes"), a.therapist_minutes)
        if a.therapist_minutes is not None
        else Message(gettext_noop("minutes not said"))
    ]
    if a.care == Care.SHARED:
        parts.append(
            Message.counted(
                ngettext_noop("shared with %(count)s other patient", "shared with %(count)s other patients"),
                a.other_patients,
            )
            if a.other_patients
            else Message(gettext_noop("shared"))
        )
    elif a.care == Care.ONE_ON_ONE:
        parts.append(Message(gettext_noop("one-on-one")))
    if a.visits == Visits.FIRST_VISIT_ONLY:
        parts.append(Message(gettext_noop("one-on-one only on the first visit")))
    elif a.visits == Visits.EVERY_VISIT:
        parts.append(Message(gettext_noop("every visit")))
    return str(Listed(tuple(parts)))


# --- what the person was told -----------------------------------------------------------
# Right after someone calls a clinic, what they were told is the newest and most direct answer
# they have: it decides their next step, judged alone by the same rule as every verdict. Asking
# them to call again would send them round in circles.

TOLD_HEADLINES = {
    Status.MEETS_BAR: gettext_noop("What you were told meets your bar."),
    Status.MILL_SIGNS: gettext_noop("What you were told is a sign of a patient mill."),
    Status.BELOW_BAR: gettext_noop("What you were told is fewer minutes than you want."),
    Status.NOT_ENOUGH_KNOWN: gettext_noop("They did not tell you enough to judge."),
}
TOLD_NEXT_STEPS = {
    Status.MEETS_BAR: gettext_noop("Book, and ask them to confirm it in writing."),
    Status.MILL_SIGNS: gettext_noop("Tell them you are not interested. Then book a clinic that meets your bar."),
    Status.BELOW_BAR: gettext_noop("Ask for a longer time with the therapist, or choose a clinic that meets your bar."),
    Status.NOT_ENOUGH_KNOWN: gettext_noop("Ask them to answer in writing, or choose a clinic that meets your bar."),
}


def goes_elsewhere(clinic: Status, told: Status | None) -> bool:
    """Whether a clinic's page offers clinics that meet the person's bar in its place: for signs
    of a patient mill or fewer minutes than the bar (by the clinic's verdict, or by what the
    person was told on their own call), and when the clinic would not tell them enough. Before
    anyone has asked, too little known sends the person to the call script instead."""
    acting = told or clinic
    return acting in {Status.MILL_SIGNS, Status.BELOW_BAR} or told == Status.NOT_ENOUGH_KNOWN


def told_on_a_call(call: Evidence, bar: Bar, *, as_of: date) -> Status:
    """One call's answers judged alone against the person's bar. One call cannot disagree with
    itself, so the answer is never "reports disagree"."""
    status = assess([call], bar, as_of=as_of).status
    return Status.NOT_ENOUGH_KNOWN if status == Status.REPORTS_DISAGREE else status
