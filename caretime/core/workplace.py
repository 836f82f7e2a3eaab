"""What clinicians report about their workplace, and how it is published without risk to them.

A worker report says how a clinic books its patients, from the inside: patients per therapist
per hour, the length of a treatment slot, how often patients are double-booked, the
productivity quota, unpaid documentation time, whether aides give care that should be skilled,
and whether the reporter would recommend the workplace. Employment contracts can gag workers
and no consumer-review law protects them, so their safety comes from how figures are made:

- Reports are grouped by *population*: one clinic, one therapy, one year the reports are about,
  and reports whose NPI is on this clinic's roster apart from everyone else. Populations never
  overlap, so no two figures can be subtracted.
- A population's figures appear only when at least ``MIN_CLINICIAN_REPORTS`` reports stand behind
  them, and grow only in steps of at least ``MIN_CLINICIAN_REPORTS``: a monthly batch publishes a
  population's waiting reports only when there are that many of them. Two successive
  figures of one population therefore differ by at least that many people, never by one.
- Every figure is a band ("3-4 patients per hour") chosen with differential privacy
  (``caretime.core.workplace_privacy``), so that even someone who wrote all the other reports
  of a batch learns little about one report.
- Only a published population of reports whose NPI is on the clinic's roster becomes evidence
  for the verdict. An NPI is public: matching proves only that the report *claims* to come from
  someone the public files list at this clinic for this therapy.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from caretime.core.disciplines import Discipline
from caretime.core.evidence import BURST_REPORTS_PER_HOUR, Evidence, EvidenceSource
from caretime.core.text import gettext_noop, ngettext_noop
from caretime.core.wording import Message

# No figure from fewer worker reports than this (domain rule: 5 for workers, 3 for patients).
MIN_CLINICIAN_REPORTS = 5
# A report tells about one of the last few years, as calls and visits do (36 months).
OLDEST_EXPERIENCE_YEARS = 2  # this year and the two before it
MAX_PATIENTS_PER_HOUR = 8
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 10, 120
MAX_UNPAID_DOCUMENTATION_MINUTES = 240
# "Booking density": 3 or more patients per therapist per hour, or patients double-booked on
# most days, supports "not one-on-one" (domain, section 3: 1 an hour in one-on-one clinics).
SHARED_PATIENTS_PER_HOUR = 3
# An NPI counts for a report only when the directory lists it on the roster of that clinic for
# that therapy. Matched reports about one clinic, therapy and year beyond the roster's size
# cannot all be real: the later ones are held for a moderator (``matched_standing``).


class Role(enum.StrEnum):
    PHYSICAL_THERAPIST = "pt"
    PT_ASSISTANT = "pta"
    OCCUPATIONAL_THERAPIST = "ot"
    OT_ASSISTANT = "ota"
    SPEECH_LANGUAGE_PATHOLOGIST = "slp"
    AIDE = "aide"
    FRONT_DESK = "front_desk"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PHYSICAL_THERAPIST: gettext_noop("Physical therapist"),
    Role.PT_ASSISTANT: gettext_noop("Physical therapist assistant"),
    Role.OCCUPATIONAL_THERAPIST: gettext_noop("Occupational therapist"),
    Role.OT_ASSISTANT: gettext_noop("Occupational therapy assistant"),
    Role.SPEECH_LANGUAGE_PATHOLOGIST: gettext_noop("Speech-language pathologist"),
    Role.AIDE: gettext_noop("Aide or technician"),
    Role.FRONT_DESK: gettext_noop("Front desk"),
}


class RoleGroup(enum.StrEnum):
    """What a report keeps of the role: coarse enough that the role does not single anyone out."""

    THERAPIST = "therapist"
    ASSISTANT = "assistant"
    SUPPORT = "support"  # aides, technicians and the front desk


ROLE_GROUPS = {
    Role.PHYSICAL_THERAPIST: RoleGroup.THERAPIST,
    Role.OCCUPATIONAL_THERAPIST: RoleGroup.THERAPIST,
    Role.SPEECH_LANGUAGE_PATHOLOGIST: RoleGroup.THERAPIST,
    Role.PT_ASSISTANT: RoleGroup.ASSISTANT,
    Role.OT_ASSISTANT: RoleGroup.ASSISTANT,
    Role.AIDE: RoleGroup.SUPPORT,
    Role.FRONT_DESK: RoleGroup.SUPPORT,
}
# A licensed role reports on its own therapy's schedule and may prove it with an NPI whose
# directory entry is of that therapy; aides and the front desk say which schedule they know.
ROLE_DISCIPLINES = {
    Role.PHYSICAL_THERAPIST: Discipline.PHYSICAL_THERAPY,
    Role.PT_ASSISTANT: Discipline.PHYSICAL_THERAPY,
    Role.OCCUPATIONAL_THERAPIST: Discipline.OCCUPATIONAL_THERAPY,
    Role.OT_ASSISTANT: Discipline.OCCUPATIONAL_THERAPY,
    Role.SPEECH_LANGUAGE_PATHOLOGIST: Discipline.SPEECH_LANGUAGE_PATHOLOGY,
}


class Booking(enum.StrEnum):
    """How often patients are double- or triple-booked (two or more with one therapist at once)."""

    NEVER = "never"
    SOME_DAYS = "some_days"
    MOST_DAYS = "most_days"
    EVERY_DAY = "every_day"

    @property
    def label(self) -> str:
        return BOOKING_LABELS[self]


BOOKING_ORDER = tuple(Booking)
BOOKING_LABELS = {
    Booking.NEVER: gettext_noop("never"),
    Booking.SOME_DAYS: gettext_noop("some days"),
    Booking.MOST_DAYS: gettext_noop("most days"),
    Booking.EVERY_DAY: gettext_noop("every day"),
}


class AideCare(enum.StrEnum):
    """Whether aides or technicians give care that should be given by a licensed clinician."""

    NO = "no"
    SOMETIMES = "sometimes"
    OFTEN = "often"

    @property
    def label(self) -> str:
        return AIDE_CARE_LABELS[self]


AIDE_CARE_LABELS = {
    AideCare.NO: gettext_noop("No"),
    AideCare.SOMETIMES: gettext_noop("Sometimes"),
    AideCare.OFTEN: gettext_noop("Often"),
}


@dataclass(frozen=True, slots=True)
class WorkerAnswers:
    patients_per_hour_typical: int
    patients_per_hour_peak: int
    slot_minutes: int
    booking: Booking
    quota_percent: int  # share of paid time that must be billable; 0 when there is no quota
    unpaid_documentation_minutes: int  # a day
    aides_skilled_care: AideCare
    would_recommend: bool


def answer_problems(answers: WorkerAnswers) -> dict[str, str]:
    """What to fix, by field, in words a person can act on; empty when the answers can be taken."""
    problems: dict[str, str] = {}
    for name in ("patients_per_hour_typical", "patients_per_hour_peak"):
        if not 1 <= getattr(answers, name) <= MAX_PATIENTS_PER_HOUR:
            problems[name] = gettext_noop("Enter a number of patients from 1 to 8 (8 for 8 or more).")
    if "patients_per_hour_peak" not in problems and answers.patients_per_hour_peak < answers.patients_per_hour_typical:
        problems["patients_per_hour_peak"] = gettext_noop(
            "At the busiest times there are at least as many patients as on a typical hour; check both numbers."
        )
    if not MIN_SLOT_MINUTES <= answers.slot_minutes <= MAX_SLOT_MINUTES:
        problems["slot_minutes"] = gettext_noop("Enter the length of a treatment slot, from 10 to 120 minutes.")
    if not 0 <= answers.quota_percent <= 100:
        problems["quota_percent"] = gettext_noop("Enter a percentage from 0 to 100 (0 if there is no quota).")
    if not 0 <= answers.unpaid_documentation_minutes <= MAX_UNPAID_DOCUMENTATION_MINUTES:
        problems["unpaid_documentation_minutes"] = gettext_noop("Enter the minutes a day, from 0 to 240.")
    return problems


def experience_year_problem(year: int, today: date) -> str | None:
    if year > today.year:
        return gettext_noop("That year has not happened yet; choose this year or an earlier one.")
    if year < today.year - OLDEST_EXPERIENCE_YEARS:
        return gettext_noop("We take reports about this year and the two before it.")
    return None


def experience_years(today: date) -> list[int]:
    """The years a report can be about, newest first."""
    return list(range(today.year, today.year - OLDEST_EXPERIENCE_YEARS - 1, -1))


# --- what counts -------------------------------------------------------------------------


class WorkerStanding(enum.StrEnum):
    """Whether a stored worker report waits for publication or for a moderator."""

    COUNTED = "counted"
    HELD_BURST = "held_burst"  # arrived in a burst of reports with an NPI about this clinic and therapy
    HELD_ROSTER_FULL = "held_roster_full"  # more matched reports this year than the roster has people
    HELD_MONTH_FULL = "held_month_full"  # unmatched, with an NPI, after the clinic's monthly cap


HELD = frozenset({WorkerStanding.HELD_BURST, WorkerStanding.HELD_ROSTER_FULL, WorkerStanding.HELD_MONTH_FULL})


def standing_with_npi(
    *,
    on_roster: bool,
    matched_this_year: int,
    roster_size: int,
    npi_arrivals_in_the_last_hour: int,
    unmatched_month_full: bool,
) -> WorkerStanding:
    """The standing of a new report sent with an NPI. ``matched_this_year`` counts the matched
    reports already taken about this clinic, therapy and year (held ones included);
    ``npi_arrivals_in_the_last_hour`` counts reports with an NPI about this clinic and therapy in
    the hour before, matched or not (the burst rule of patients' reports,
    ``caretime.core.evidence.BURST_REPORTS_PER_HOUR``). The sender is never told: the answer is
    the same whatever the standing, so that a held or unmatched report looks like any other."""
    if npi_arrivals_in_the_last_hour >= BURST_REPORTS_PER_HOUR:
        return WorkerStanding.HELD_BURST
    if on_roster and matched_this_year >= roster_size:
        return WorkerStanding.HELD_ROSTER_FULL
    if not on_roster and unmatched_month_full:
        return WorkerStanding.HELD_MONTH_FULL
    return WorkerStanding.COUNTED


# --- publication ------------------------------------------------------------------------

Population = TypeVar("Population")


def populations_to_publish(waiting: Mapping[Population, int]) -> set[Population]:
    """The populations whose waiting reports a batch publishes: those with at least
    ``MIN_CLINICIAN_REPORTS`` of them. Fewer wait for a later batch, so that a figure never changes
    by the answers of fewer than that many people."""
    return {population for population, count in waiting.items() if count >= MIN_CLINICIAN_REPORTS}


T = TypeVar("T")


def publication_order(items: Iterable[T]) -> list[T]:
    """A batch in an order unrelated to the order its reports were sent in (from the operating
    system's randomness, so that no seed can recreate it)."""
    shuffled = list(items)
    random.SystemRandom().shuffle(shuffled)
    return shuffled


# --- figures ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    rank: int  # lower is better for a clinician (and a patient)


def _band(value: float, bands: Sequence[tuple[float, str]], last: str) -> Band:
    """The band of ``value``: the first whose upper bound (exclusive) exceeds it."""
    for rank, (upper, label) in enumerate(bands):
        if value < upper:
            return Band(label, rank)
    return Band(last, len(bands))


def patients_per_hour_band(median: float) -> Band:
    return _band(
        median,
        ((1.5, gettext_noop("1 patient")), (2.5, gettext_noop("2 patients")), (4.5, gettext_noop("3-4 patients"))),
        gettext_noop("5 or more patients"),
    )


def slot_band(median: float) -> Band:
    # Longer slots are better, so the rank runs the other way.
    band = _band(
        median,
        (
            (30.5, gettext_noop("30 minutes or less")),
            (45.5, gettext_noop("31-45 minutes")),
            (60.5, gettext_noop("46-60 minutes")),
        ),
        gettext_noop("more than 60 minutes"),
    )
    return Band(band.label, 3 - band.rank)


def quota_band(median: float) -> Band:
    # The domain's figures: employers push 90-95 %, 75-85 % is sustainable.
    return _band(
        median,
        (
            (1, gettext_noop("no quota")),
            (75, gettext_noop("under 75 %")),
            (85, gettext_noop("75-85 %")),
            (90, gettext_noop("85-90 %")),
            (95, gettext_noop("90-95 %")),
        ),
        gettext_noop("95 % or more"),
    )


def unpaid_documentation_band(median: float) -> Band:
    return _band(
        median,
        (
            (1, gettext_noop("none")),
            (30, gettext_noop("under 30 minutes")),
            (60, gettext_noop("30-60 minutes")),
            (120, gettext_noop("1-2 hours")),
        ),
        gettext_noop("2 hours or more"),
    )


def share_band(share: float) -> Band:
    return _band(
        share,
        (
            (0.25, gettext_noop("fewer than a quarter")),
            (0.5, gettext_noop("a quarter to a half")),
            (0.75, gettext_noop("a half to three quarters")),
        ),
        gettext_noop("more than three quarters"),
    )


@dataclass(frozen=True, slots=True)
class WorkplaceFigures:
    """The published figures of one population, computed once at publication and stored.

    Each number is the value stored for a band chosen with differential privacy
    (``caretime.core.workplace_privacy``), never an exact median or share; pages and the API
    show only the bands. ``experience_year`` is the year all its reports are about."""

    reporters: int
    npi_on_roster: bool
    typical_per_hour: float
    peak_per_hour: float
    slot_minutes: float
    booking: Booking  # the median answer
    quota_percent: float
    unpaid_documentation_minutes: float
    aides_skilled_care_share: float  # share answering "sometimes" or "often"
    recommend_share: float
    experience_year: int  # the median year the reports are about (for ageing the evidence)
    first_published: date
    last_published: date

    @property
    def typical_band(self) -> Band:
        return patients_per_hour_band(self.typical_per_hour)

    @property
    def peak_band(self) -> Band:
        return patients_per_hour_band(self.peak_per_hour)

    @property
    def slot_band(self) -> Band:
        return slot_band(self.slot_minutes)

    @property
    def quota_band(self) -> Band:
        return quota_band(self.quota_percent)

    @property
    def unpaid_documentation_band(self) -> Band:
        return unpaid_documentation_band(self.unpaid_documentation_minutes)

    @property
    def aides_band(self) -> Band:
        return share_band(self.aides_skilled_care_share)

    @property
    def recommend_band(self) -> Band:
        # More recommendation is better: reverse the rank.
        band = share_band(self.recommend_share)
        return Band(band.label, 3 - band.rank)

    @property
    def booking_rank(self) -> int:
        return BOOKING_ORDER.index(self.booking)


class EmployerSort(enum.StrEnum):
    """How the employer search orders workplaces, the best first under each."""

    DENSITY = "density"  # fewest patients per therapist per hour, then least double-booking
    QUOTA = "quota"  # lowest productivity quota
    RECOMMENDATION = "recommendation"  # most would recommend it to a colleague

    @property
    def label(self) -> str:
        return EMPLOYER_SORT_LABELS[self]


EMPLOYER_SORT_LABELS = {
    EmployerSort.DENSITY: gettext_noop("Fewest patients per therapist"),
    EmployerSort.QUOTA: gettext_noop("Lowest productivity quota"),
    EmployerSort.RECOMMENDATION: gettext_noop("Most recommended"),
}


def employer_rank(figures: WorkplaceFigures, sort: EmployerSort) -> tuple[int, ...]:
    """Lower is better. The chosen measure first, then the others; more reports break a tie."""
    density = (figures.typical_band.rank, figures.booking_rank)
    quota = (figures.quota_band.rank,)
    recommendation = (figures.recommend_band.rank,)
    order = {
        EmployerSort.DENSITY: density + quota + recommendation,
        EmployerSort.QUOTA: quota + density + recommendation,
        EmployerSort.RECOMMENDATION: recommendation + density + quota,
    }[sort]
    return (*order, -figures.reporters)


# The evidence's summary, whole for each answer on double-booking (how often it happens is part
# of the sentence, not a word glued to it).
EVIDENCE_SUMMARIES = {
    Booking.NEVER: ngettext_noop(
        "%(count)s report with an NPI on the clinic's roster says %(patients)s per therapist per hour; "
        "double-booked never",
        "%(count)s reports with an NPI on the clinic's roster say %(patients)s per therapist per hour; "
        "double-booked never",
    ),
    Booking.SOME_DAYS: ngettext_noop(
        "%(count)s report with an NPI on the clinic's roster says %(patients)s per therapist per hour; "
        "double-booked some days",
        "%(count)s reports with an NPI on the clinic's roster say %(patients)s per therapist per hour; "
        "double-booked some days",
    ),
    Booking.MOST_DAYS: ngettext_noop(
        "%(count)s report with an NPI on the clinic's roster says %(patients)s per therapist per hour; "
        "double-booked most days",
        "%(count)s reports with an NPI on the clinic's roster say %(patients)s per therapist per hour; "
        "double-booked most days",
    ),
    Booking.EVERY_DAY: ngettext_noop(
        "%(count)s report with an NPI on the clinic's roster says %(patients)s per therapist per hour; "
        "double-booked every day",
        "%(count)s reports with an NPI on the clinic's roster say %(patients)s per therapist per hour; "
        "double-booked every day",
    ),
}


def workplace_evidence(figures: WorkplaceFigures) -> Evidence | None:
    """What a published population of reports with an NPI on the clinic's roster tells the verdict: booking density
    supports "not one-on-one" (3 or more patients per therapist per hour, or double-booking on
    most days), or "one-on-one" (1 an hour and never double-booked). Reports without a matched
    NPI and anything in between tell it nothing."""
    if not figures.npi_on_roster or figures.reporters < MIN_CLINICIAN_REPORTS:
        return None
    dense = figures.typical_per_hour >= SHARED_PATIENTS_PER_HOUR or figures.booking_rank >= BOOKING_ORDER.index(
        Booking.MOST_DAYS
    )
    one_on_one = figures.typical_per_hour < 1.5 and figures.booking == Booking.NEVER
    if not dense and not one_on_one:
        return None
    observed = min(date(figures.experience_year, 7, 1), figures.last_published)
    return Evidence(
        source=EvidenceSource.WORKER_REPORT,
        observed_on=observed,
        reporters=figures.reporters,
        shared=dense,
        summary=Message.counted(
            EVIDENCE_SUMMARIES[figures.booking], figures.reporters, patients=Message(figures.typical_band.label)
        ),
    )
