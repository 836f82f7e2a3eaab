"""What patients report after a visit, and the Care Time profile built from their reports.

A visit report is a patient's own account of one visit: minutes one-on-one with a licensed
therapist, minutes with an aide or alone on equipment, how many other patients the therapist
treated at the same time, and whether the therapist stayed for the whole treatment. Each
report becomes one ``Evidence`` item for the verdict (``visit_evidence``), and adds to the
sums behind the clinic's Care Time profile (``contribution``, ``care_time_profile``).

The profile is built so that a few reports cannot swing it:

- Recent visits count more: a report's weight halves every ``HALF_LIFE_DAYS``, as in the
  verdict. Every report's weight is stored multiplied by ``growth(visit month)``; all stored
  sums then age by the same factor, so a new report is one addition and reading divides once
  by ``growth(today)`` (``scaled``).
- Typical minutes are a weighted median, and the range is the 10th to 90th percentile of
  reported visits, over 5-minute steps: one extreme report moves a median by at most one
  report's place, where it would drag an average anywhere.
- Every figure is pulled toward what patients report about the same therapy in the clinic's
  state (or nationwide, where the state has too few reports), as if ``PRIOR_WEIGHT`` more
  reports had said what is typical there.
- One person's visits to one clinic count at most ``VISITS_PER_REPORTER_PER_MONTH`` times a
  month (the later ones are stored, not counted), and nothing numeric is shown below
  ``MIN_PEOPLE_FOR_A_FIGURE`` different people.
- A patient may honestly not know the minutes. Such a visit still counts for everything else
  it says (other patients, the whole time); the minutes figures (typical minutes, the range,
  visits mostly with an aide) come only from the visits that gave minutes, and are shown only
  once ``MIN_PEOPLE_FOR_A_FIGURE`` different people gave them.
- Reports from people connected to the clinic (staff, family, owner) count nowhere.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from caretime.core.calls import Contradiction
from caretime.core.evidence import MIN_PEOPLE_FOR_A_FIGURE, Evidence, EvidenceSource
from caretime.core.text import gettext_noop, ngettext_noop
from caretime.core.verdict import EPOCH as EPOCH  # the stored sums of profiles and verdicts age alike
from caretime.core.verdict import growth as growth
from caretime.core.wording import Listed, Message

# A patient's report of one visit counts as much as one call: both are one person's account.
PATIENT_REPORT_WEIGHT = 1.0
# One person's reports about one clinic and therapy that count in one month of visits.
# Two or three visits a week is a usual course; a few reports a month is news, every visit
# is one person's voice repeated.
VISITS_PER_REPORTER_PER_MONTH = 2
# The state's (or the nation's) typical visit counts as this many reports in each profile.
PRIOR_WEIGHT = 2.0
# Below this much (aged) weight in a state, the nation's figures serve as the prior instead.
REGION_MIN_WEIGHT = 10.0
# The range shown with the typical minutes holds this share of reported visits.
RANGE_SHARE = 0.8
# Minutes are counted in steps of 5, up to "120 or more".
MINUTE_STEP = 5
MINUTE_TOP = 120
MINUTE_BINS = MINUTE_TOP // MINUTE_STEP + 1
# "3 or more" other patients is the top answer.
MAX_OTHER_PATIENTS = 3


class VisitKind(enum.StrEnum):
    FIRST = "first"
    EARLY_FOLLOW_UP = "follow_up_early"  # the 2nd to 5th visit
    LATER_FOLLOW_UP = "follow_up_later"  # the 6th visit or later

    @property
    def is_follow_up(self) -> bool:
        return self != VisitKind.FIRST


VISIT_KIND_LABELS = {
    VisitKind.FIRST: gettext_noop("My first visit (the evaluation)"),
    VisitKind.EARLY_FOLLOW_UP: gettext_noop("A follow-up visit: the 2nd to the 5th"),
    VisitKind.LATER_FOLLOW_UP: gettext_noop("A follow-up visit: the 6th or later"),
}


class WholeTime(enum.StrEnum):
    """Was the therapist with the patient for the whole time they were being treated?"""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


WHOLE_TIME_LABELS = {
    WholeTime.YES: gettext_noop("Yes, the whole time"),
    WholeTime.NO: gettext_noop("No, the therapist left me with an aide, on equipment or alone"),
    WholeTime.NOT_SURE: gettext_noop("I am not sure"),
}

OTHER_PATIENTS_LABELS = {
    0: gettext_noop("None: the therapist treated only me"),
    1: gettext_noop("1 other patient"),
    2: gettext_noop("2 other patients"),
    3: gettext_noop("3 or more other patients"),
}


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """One visit as the patient lived it. Minutes are whole minutes, 0 to 240 as on calls;
    None where the patient does not know them."""

    visit_kind: VisitKind
    scheduled_minutes: int | None  # the booked length, door to door; None when not known
    therapist_minutes: int | None  # one-on-one with a licensed therapist
    aide_minutes: int | None  # with an aide or technician, or alone on equipment
    other_patients: int  # others the therapist treated during the visit, 3 meaning "3 or more"
    whole_time: WholeTime
    connected: bool  # the reporter is staff, family or owner of the clinic

    @property
    def one_on_one_whole_time(self) -> bool:
        return self.other_patients == 0 and self.whole_time == WholeTime.YES

    @property
    def gave_minutes(self) -> bool:
        """Whether the patient gave the minutes with the therapist (the minutes figures' sample)."""
        return self.therapist_minutes is not None

    @property
    def aide_led(self) -> bool | None:
        """More of the visit with an aide or alone on equipment than with the therapist; None
        when the minutes are not known."""
        if self.therapist_minutes is None or self.aide_minutes is None:
            return None
        return self.aide_minutes > self.therapist_minutes


def visit_contradictions(facts: VisitFacts) -> list[Contradiction]:
    """Answers that cannot all be true, each naming the fields that disagree."""
    f = facts
    found: list[Contradiction] = []
    if f.therapist_minutes is not None and f.aide_minutes is None:
        # Whoever knows their minutes with the therapist knows whether an aide had them, and
        # "visits mostly with an aide" is then read from both (``aide_led``).
        found.append(
            Contradiction(
                ("aide_minutes",),
                Message(
                    gettext_noop(
                        "You gave the minutes with the therapist: give the minutes with an aide or on equipment too "
                        "(0 if none), or leave out both."
                    )
                ),
            )
        )
    known_parts = sum(minutes for minutes in (f.therapist_minutes, f.aide_minutes) if minutes is not None)
    if f.scheduled_minutes is not None and known_parts > f.scheduled_minutes:
        found.append(
            Contradiction(
                ("therapist_minutes", "aide_minutes", "scheduled_minutes"),
                Message(
                    gettext_noop(
                        "The parts add up to more than the visit: minutes with the therapist and minutes with an aide "
                        "or on equipment together cannot be more than the scheduled length."
                    )
                ),
            )
        )
    if f.whole_time == WholeTime.YES and f.therapist_minutes == 0:
        found.append(
            Contradiction(
                ("therapist_minutes", "whole_time"),
                Message(
                    gettext_noop(
                        "Minutes with the therapist and “the whole time” disagree: with 0 minutes one-on-one the "
                        "therapist was not with you the whole time."
                    )
                ),
            )
        )
    return found


def visit_evidence(facts: VisitFacts, *, visited_in: date, person: str = "") -> Evidence | None:
    """The visit as evidence for the verdict; None for a connected person's report, which
    counts nowhere. ``person`` tells one reporter's items apart from another's.

    Minutes with a therapist who was also treating others are an upper bound on one-on-one
    time (as on calls). Minutes the patient does not know are None, as on a call where the
    minutes were not said: the verdict rule reads the item's other answers and nothing about
    time (``caretime.core.verdict``); unlike a clinic that would not say, not knowing is no
    mark against the clinic (``minutes_withheld`` stays False). A follow-up visit says whether
    one-on-one care lasts beyond the first visit: yes when the therapist treated only this
    patient the whole time, no when they shared or left; a first visit says nothing about
    later ones.
    """
    if facts.connected:
        return None
    shared = facts.other_patients > 0
    every_visit: bool | None = None
    if facts.visit_kind.is_follow_up:
        if shared or facts.whole_time == WholeTime.NO:
            every_visit = False
        elif facts.whole_time == WholeTime.YES:
            every_visit = True
    return Evidence(
        source=EvidenceSource.PATIENT_REPORT,
        observed_on=visited_in,
        weight=PATIENT_REPORT_WEIGHT,
        one_on_one_minutes=float(facts.therapist_minutes) if facts.therapist_minutes is not None else None,
        shared=shared,
        every_visit=every_visit,
        person=person,
    )


def describe_visit(facts: VisitFacts) -> str:
    """The visit in a few plain words, e.g. "follow-up visit: 25 minutes, 2 other patients"."""
    parts = [
        Message.counted(
            ngettext_noop("%(count)s minute with the therapist", "%(count)s minutes with the therapist"),
            facts.therapist_minutes,
        )
        if facts.therapist_minutes is not None
        else Message(gettext_noop("minutes with the therapist not known"))
    ]
    if facts.other_patients >= MAX_OTHER_PATIENTS:
        parts.append(
            Message(gettext_noop("%(count)s or more other patients at the same time"), {"count": facts.other_patients})
        )
    elif facts.other_patients:
        parts.append(
            Message.counted(
                ngettext_noop("%(count)s other patient at the same time", "%(count)s other patients at the same time"),
                facts.other_patients,
            )
        )
    else:
        parts.append(Message(gettext_noop("no other patient at the same time")))
    if facts.whole_time == WholeTime.NO:
        parts.append(Message(gettext_noop("the therapist left during treatment")))
    if facts.aide_minutes:
        parts.append(
            Message.counted(
                ngettext_noop(
                    "%(count)s minute with an aide or on equipment", "%(count)s minutes with an aide or on equipment"
                ),
                facts.aide_minutes,
            )
        )
    details = Listed(tuple(parts))
    if facts.visit_kind == VisitKind.FIRST:
        return str(Message(gettext_noop("first visit: %(details)s"), {"details": details}))
    return str(Message(gettext_noop("follow-up visit: %(details)s"), {"details": details}))


# --- the profile's sums ----------------------------------------------------------------------


def minute_bin(minutes: int) -> int:
    """The 5-minute step a figure falls in: 0-2 -> 0, 3-7 -> 5, ..., 118 or more -> 120."""
    return min(max(0, minutes) + MINUTE_STEP // 2, MINUTE_TOP) // MINUTE_STEP


@dataclass(slots=True)
class CareTimeSums:
    """Weighted sums over visit reports; every field ages by the same factor."""

    weight: float = 0.0  # all counted visits
    # Visits that gave minutes with the therapist, by ``minute_bin``; their sum is the weight
    # of those visits, the sample of every minutes figure.
    minutes: list[float] = field(default_factory=lambda: [0.0] * MINUTE_BINS)
    whole_known: float = 0.0  # visits where it is known whether the care was one-on-one the whole time
    whole_one_on_one: float = 0.0  # ... and it was
    shared: list[float] = field(default_factory=lambda: [0.0] * MAX_OTHER_PATIENTS)  # 1, 2, 3+ others
    aide_led: float = 0.0  # of the visits that gave minutes

    @property
    def minutes_weight(self) -> float:
        return math.fsum(self.minutes)

    def add(self, other: CareTimeSums, sign: float = 1.0) -> None:
        self.weight += sign * other.weight
        self.whole_known += sign * other.whole_known
        self.whole_one_on_one += sign * other.whole_one_on_one
        self.aide_led += sign * other.aide_led
        for index, value in enumerate(other.minutes):
            self.minutes[index] += sign * value
        for index, value in enumerate(other.shared):
            self.shared[index] += sign * value

    def clamped(self) -> CareTimeSums:
        """The same sums without float dust below zero (adding and subtracting leaves 1e-17 or
        so): no weight is negative."""
        return CareTimeSums(
            weight=max(0.0, self.weight),
            minutes=[max(0.0, value) for value in self.minutes],
            whole_known=max(0.0, self.whole_known),
            whole_one_on_one=max(0.0, self.whole_one_on_one),
            shared=[max(0.0, value) for value in self.shared],
            aide_led=max(0.0, self.aide_led),
        )

    def scaled(self, factor: float) -> CareTimeSums:
        return CareTimeSums(
            weight=self.weight * factor,
            minutes=[value * factor for value in self.minutes],
            whole_known=self.whole_known * factor,
            whole_one_on_one=self.whole_one_on_one * factor,
            shared=[value * factor for value in self.shared],
            aide_led=self.aide_led * factor,
        )


def contribution(facts: VisitFacts, *, visited_in: date) -> CareTimeSums:
    """What one counted visit adds to the stored sums (connected reports add nothing)."""
    if facts.connected:
        return CareTimeSums()
    weight = PATIENT_REPORT_WEIGHT * growth(visited_in)
    sums = CareTimeSums(weight=weight)
    if facts.therapist_minutes is not None:
        sums.minutes[minute_bin(facts.therapist_minutes)] = weight
    if facts.other_patients > 0 or facts.whole_time != WholeTime.NOT_SURE:
        sums.whole_known = weight
    if facts.one_on_one_whole_time:
        sums.whole_one_on_one = weight
    if facts.other_patients > 0:
        sums.shared[min(facts.other_patients, MAX_OTHER_PATIENTS) - 1] = weight
    if facts.aide_led:
        sums.aide_led = weight
    return sums


# --- the profile ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CareTimeProfile:
    """What patients report about one clinic and therapy. Figures are None below
    ``MIN_PEOPLE_FOR_A_FIGURE`` people, the minutes figures below that many people who gave
    minutes; shares are 0 to 1."""

    reporters: int  # different people whose reports count
    reports: int  # counted reports
    newest: date | None  # month of the newest counted visit
    weight: float  # the reports' weight today, after ageing (the prior not included)
    connected: int = 0  # reports from people connected to the clinic, counted nowhere
    minutes_reporters: int = 0  # different people whose counted reports gave minutes with the therapist
    typical_minutes: int | None = None  # median one-on-one minutes of a visit
    low_minutes: int | None = None  # ``RANGE_SHARE`` of visits lie between low and high
    high_minutes: int | None = None
    whole_one_on_one_share: float | None = None  # one-on-one for the whole time
    shared_share: float | None = None  # other patients treated at the same time
    shared_counts: tuple[float, ...] | None = None  # of all visits: with 1, 2, 3 or more others
    aide_led_share: float | None = None  # of the visits that gave minutes: mostly with an aide or alone on equipment
    prior: str = ""  # "state" or "national": what the figures are pulled toward

    @property
    def shows_figures(self) -> bool:
        return self.shared_share is not None

    @property
    def shows_minutes(self) -> bool:
        return self.typical_minutes is not None


def weighted_quantile(bins: Sequence[float], share: float) -> int:
    """The smallest step whose cumulative weight reaches ``share`` of the total, in minutes."""
    total = math.fsum(bins)
    if total <= 0:
        raise ValueError("no weight to take a quantile of")
    target = share * total
    running = 0.0
    for index, value in enumerate(bins):
        running += value
        # A little slack for float sums: the last step always qualifies.
        if running >= target - 1e-9 * total:
            return index * MINUTE_STEP
    return (len(bins) - 1) * MINUTE_STEP


def _prior(region: CareTimeSums, national: CareTimeSums) -> tuple[CareTimeSums, str]:
    """What is typical where the clinic is, scaled to ``PRIOR_WEIGHT`` reports."""
    for source, name in ((region, "state"), (national, "national")):
        if source.weight >= REGION_MIN_WEIGHT * (1 - 1e-9):  # ten fresh reports are ten, float dust aside
            return source.scaled(PRIOR_WEIGHT / source.weight), name
    return CareTimeSums(), ""


def care_time_profile(
    sums: CareTimeSums,
    *,
    region: CareTimeSums,
    national: CareTimeSums,
    reporters: int,
    reports: int,
    newest: date | None,
    as_of: date,
    connected: int = 0,
    minutes_reporters: int,
) -> CareTimeProfile:
    """The profile from stored sums (all scaled by ``growth``), read on ``as_of``.
    ``minutes_reporters`` of the ``reporters`` gave minutes with the therapist: the minutes
    figures need ``MIN_PEOPLE_FOR_A_FIGURE`` of them, the others that many reporters."""
    today = 1.0 / growth(as_of)
    own = sums.scaled(today)
    counts = CareTimeProfile(
        reporters=reporters,
        reports=reports,
        newest=newest,
        weight=max(0.0, own.weight),
        connected=connected,
        minutes_reporters=minutes_reporters,
    )
    if reporters < MIN_PEOPLE_FOR_A_FIGURE or own.weight <= 0:
        return counts
    prior, prior_name = _prior(region.scaled(today), national.scaled(today))
    both = CareTimeSums()
    both.add(own)
    both.add(prior)
    low_share = (1 - RANGE_SHARE) / 2

    def share(part: float, whole: float, prior_part: float, prior_whole: float) -> float | None:
        denominator = whole + prior_whole
        return None if denominator <= 0 else min(1.0, max(0.0, (part + prior_part) / denominator))

    shows_minutes = minutes_reporters >= MIN_PEOPLE_FOR_A_FIGURE and own.minutes_weight > 0
    return CareTimeProfile(
        reporters=reporters,
        reports=reports,
        newest=newest,
        weight=own.weight,
        connected=connected,
        minutes_reporters=minutes_reporters,
        typical_minutes=weighted_quantile(both.minutes, 0.5) if shows_minutes else None,
        low_minutes=weighted_quantile(both.minutes, low_share) if shows_minutes else None,
        high_minutes=weighted_quantile(both.minutes, 1 - low_share) if shows_minutes else None,
        whole_one_on_one_share=share(own.whole_one_on_one, own.whole_known, prior.whole_one_on_one, prior.whole_known),
        shared_share=share(sum(own.shared), own.weight, sum(prior.shared), prior.weight),
        shared_counts=tuple(
            share(own.shared[index], own.weight, prior.shared[index], prior.weight) or 0.0
            for index in range(MAX_OTHER_PATIENTS)
        ),
        aide_led_share=share(own.aide_led, own.minutes_weight, prior.aide_led, prior.minutes_weight)
        if shows_minutes
        else None,
        prior=prior_name,
    )


def minutes_label(minutes: int) -> str:
    """120 is the top step: "120 or more"."""
    return f"{minutes} or more" if minutes >= MINUTE_TOP else str(minutes)


def shift_bounds(genuine: float, extra: float) -> tuple[float, float]:
    """How far ``extra`` weight of reports, whatever they say, can move the typical minutes of
    a profile whose own reports and prior weigh ``genuine``: it stays between these two
    quantiles of the profile without them. Five fresh reports against 20 fresh genuine ones
    and the prior of 2: from the 39th to the 61st percentile."""
    total = genuine + extra
    return (total / 2 - extra) / genuine, (total / 2) / genuine
