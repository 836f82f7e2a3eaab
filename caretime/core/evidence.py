"""Evidence about a clinic's care time: the one shape every source is turned into.

Call reports, a clinic's declared policy, patient visit reports, worker reports and
billing data all become ``Evidence`` items; the verdict rule (caretime.core.verdict)
reads nothing else. An item states facts only where its source supports them: a field
left as None means "this evidence says nothing about that", never "no".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from caretime.core.text import gettext_noop
from caretime.core.wording import Message


class EvidenceSource(enum.StrEnum):
    CALL = "call"  # what the clinic said when someone called and asked the three questions
    DECLARED_POLICY = "declared_policy"  # what the clinic declares on its claimed profile
    PATIENT_REPORT = "patient_report"  # what a patient reported after a visit
    WORKER_REPORT = "worker_report"  # what clinicians report about their workplace (aggregated)
    BILLING = "billing"  # Medicare claims (public utilization files)

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    EvidenceSource.CALL: gettext_noop("what the clinic said on calls"),
    EvidenceSource.DECLARED_POLICY: gettext_noop("the clinic's declared policy"),
    EvidenceSource.PATIENT_REPORT: gettext_noop("patient reports"),
    EvidenceSource.WORKER_REPORT: gettext_noop("clinician reports"),
    EvidenceSource.BILLING: gettext_noop("Medicare billing data"),
}


# Which clinic and therapy a piece of evidence is about: (clinic id, therapy code).
EvidenceKey = tuple[int, str]


@dataclass(frozen=True, slots=True)
class Evidence:
    source: EvidenceSource
    observed_on: date  # month precision is enough; the day is not published
    weight: float = 1.0  # how much one report from this source counts, before ageing
    reporters: int = 1  # independent reports this item stands for (an aggregate may stand for many)
    # Minutes alone with a licensed therapist per visit. When ``shared`` is True the figure is
    # time with a therapist who was also treating others, so the verdict reads it as an upper
    # bound on one-on-one time.
    one_on_one_minutes: float | None = None
    minutes_are_lower_bound: bool = False  # billing gives "at least N minutes", never "at most"
    shared: bool | None = None  # True: the therapist treated other patients at the same time
    every_visit: bool | None = None  # True: 1:1 on every visit; False: only on the first visit
    minutes_withheld: bool = False  # asked how much time with the therapist, the clinic would not say
    # Plain words for an item that stands for figures made elsewhere (a clinic's billing, its
    # clinicians' published figures), worded in the language of whoever shows it. A call or a
    # visit has none: its report says itself what it was (``summary`` of the report).
    summary: str | Message = ""
    # Who stands behind the item, as an opaque key, when several items can come from one
    # person (a patient's visits, their calls while signed in): items with the same key count
    # as one person. Empty: the item stands for ``reporters`` people of its own.
    person: str = ""

    def __post_init__(self) -> None:
        # The verdict rule reads these as True, False or None (``is True``) and remembers what
        # it read of equal items (``verdict._read_facts``): 1 equals True, and would pass for it.
        for value in (self.shared, self.every_visit):
            if value is not None and type(value) is not bool:
                raise TypeError(f"Evidence.shared and Evidence.every_visit are True, False or None, not {value!r}")


# --- which reports count --------------------------------------------------------------------
#
# These rules hold for every kind of report people send (calls now; visit reports, reviews
# with facts and worker reports as they arrive). The services apply them when a report is
# stored, whatever the form or API endpoint it came through, and the evidence readers count
# only reports whose standing is in ``COUNTING``. None of them ever reads a report's answers:
# whether a report is favourable never decides whether it counts. (How many reports are taken
# at all is a limit, not a rule of what counts: ``caretime.shared.limits``.)

# Nothing numeric is shown from fewer people's reports than this (domain rule: no score from
# fewer than 3; clinicians' figures need more, ``caretime.core.workplace.MIN_CLINICIAN_REPORTS``).
MIN_PEOPLE_FOR_A_FIGURE = 3
# Older answers say little about how a clinic books today (the verdict halves their weight
# every year); three years is the furthest back a report is taken.
OLDEST_REPORT_MONTHS = 36
# More reports than this about one clinic within one hour are held for a moderator: stored,
# not counted, until released. People call a clinic one at a time; a burst is the signature
# of one person or group trying to move a verdict.
BURST_REPORTS_PER_HOUR = 3
# One connection's reports about one clinic count once within this many days; the later
# ones are stored, never counted. Asking the same clinic twice in a month adds no news.
REPEAT_WINDOW_DAYS = 30


class Standing(enum.StrEnum):
    """Whether a stored report counts in the verdict."""

    COUNTED = "counted"  # counts
    REPEAT = "repeat"  # the same connection already reported this clinic within the window
    HELD = "held"  # arrived during a burst; waits for a moderator
    REJECTED = "rejected"  # a moderator rejected it after a burst


COUNTING = frozenset({Standing.COUNTED})


def standing_on_arrival(*, repeat: bool, arrivals_in_the_last_hour: int, past_the_clinic_cap: bool = False) -> Standing:
    """The standing of a new report. ``arrivals_in_the_last_hour`` counts the reports about the
    same clinic received in the hour before this one, whatever their standing;
    ``past_the_clinic_cap`` says the clinic has had all the reports from everyone together that
    it takes in a day. Both are held for a moderator, never refused: anyone can fill a clinic's
    day, and what a person sends in good faith is never thrown away."""
    if repeat:
        return Standing.REPEAT
    if past_the_clinic_cap or arrivals_in_the_last_hour >= BURST_REPORTS_PER_HOUR:
        return Standing.HELD
    return Standing.COUNTED


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")


def parse_month(text: str) -> date | None:
    """The first day of the month written as 2026-11 (or a full date); None when not a month."""
    match = _MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        return None
    return date(year, month, 1)


_MONTH_PROBLEMS = {
    "call": (
        gettext_noop("The month of the call is in the future; choose this month or an earlier one."),
        gettext_noop("That call is more than %(years)s years old; we only take calls from the last %(years)s years."),
    ),
    "visit": (
        gettext_noop("The month of the visit is in the future; choose this month or an earlier one."),
        gettext_noop("That visit is more than %(years)s years old; we only take visits from the last %(years)s years."),
    ),
}


def month_problem(month: date, today: date, *, of: str = "call") -> str | None:
    """Why a report (``of`` a "call" or a "visit") of this month cannot be taken, or None.
    Every report keeps only its month. Worded in the language of the page or request."""
    future, too_old = _MONTH_PROBLEMS[of]
    this_month = today.replace(day=1)
    if month > this_month:
        return str(Message(future))
    months_back = (this_month.year - month.year) * 12 + this_month.month - month.month
    if months_back > OLDEST_REPORT_MONTHS:
        return str(Message(too_old, {"years": OLDEST_REPORT_MONTHS // 12}))
    return None
