"""Billing indicators from Medicare "by Provider and Service" rows: the reference definitions.

Plain Python and dataclasses, no Django. The importer stores rows, the fast engine
(caretime.billing.engine) computes the same figures in SQL over whole files, and the tests
hold the two to each other. docs/methodology.md explains every figure for patients.

Facts used (docs/domain.md section 5):

- Timed therapy codes are billed in 15-minute units of direct one-on-one time, and the
  8-minute rule turns total timed minutes of a visit into units: 8-22 minutes = 1 unit,
  23-37 = 2, 38-52 = 3, and so on by 15. Read backwards, n units billed honestly mean at
  least 15n - 7 minutes of one-on-one time.
- 97150 and 92508 are group therapy (two or more patients at once), billed once per patient
  per session.
- Evaluations are untimed, and so are most speech-therapy treatment codes.
- Visits are not additive across codes: a visit with 97110 and 97140 counts once in each
  code's beneficiary-day count, and the file does not say which codes shared a day. So a
  clinician's visits are known only within bounds: at least the largest beneficiary-day count
  among its codes (every other code on those same days), at most all of them added up (every
  code on a day of its own). Every figure built on visits carries both bounds.
- Rows with fewer than 11 beneficiaries are left out of the file, so a clinician's missing
  rows can hide group therapy or codes billed on other days.
"""

from __future__ import annotations

import enum
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from caretime.core.disciplines import Discipline
from caretime.core.text import gettext_noop
from caretime.core.wording import Message

UNIT_MINUTES = 15
MINIMUM_BILLABLE_MINUTES = 8  # fewer timed minutes than this bill no unit at all


class CodeClass(enum.StrEnum):
    TIMED = "timed"  # billed per 15 minutes of one-on-one treatment (8-minute rule)
    UNTIMED = "untimed"  # billed once per visit, whatever its length
    GROUP = "group"  # two or more patients at once, billed once per patient per session
    EVALUATION = "evaluation"  # an evaluation or re-evaluation: untimed, once per episode


# Every therapy code the indicators read, with its class. Source: the CPT/HCPCS code
# descriptors as CMS lists them for outpatient therapy (the "always therapy" codes and the
# timed-code list of the Medicare Claims Processing Manual, chapter 5, section 20.2): a code
# whose descriptor says "each 15 minutes" is timed. The labels are marked for the catalogue and
# translated where they are shown. tests/billing/code_descriptors.py keeps the
# descriptors, and a test fails when a code here is missing or filed in the wrong class.
THERAPY_CODES: dict[str, tuple[CodeClass, str]] = {
    "97110": (CodeClass.TIMED, gettext_noop("therapeutic exercise")),
    "97112": (CodeClass.TIMED, gettext_noop("neuromuscular re-education")),
    "97113": (CodeClass.TIMED, gettext_noop("aquatic therapy")),
    "97116": (CodeClass.TIMED, gettext_noop("gait training")),
    "97124": (CodeClass.TIMED, gettext_noop("massage")),
    "97129": (CodeClass.TIMED, gettext_noop("cognitive function intervention, first 15 minutes")),
    "97130": (CodeClass.TIMED, gettext_noop("cognitive function intervention, each additional 15 minutes")),
    "97140": (CodeClass.TIMED, gettext_noop("manual therapy")),
    "97530": (CodeClass.TIMED, gettext_noop("therapeutic activities")),
    "97533": (CodeClass.TIMED, gettext_noop("sensory integration")),
    "97535": (CodeClass.TIMED, gettext_noop("self-care / home management training")),
    "97537": (CodeClass.TIMED, gettext_noop("community / work reintegration")),
    "97542": (CodeClass.TIMED, gettext_noop("wheelchair management")),
    "97750": (CodeClass.TIMED, gettext_noop("physical performance test")),
    "97755": (CodeClass.TIMED, gettext_noop("assistive technology assessment")),
    "97760": (CodeClass.TIMED, gettext_noop("orthotic management and training")),
    "97761": (CodeClass.TIMED, gettext_noop("prosthetic training")),
    "97763": (CodeClass.TIMED, gettext_noop("orthotic / prosthetic follow-up")),
    "97032": (CodeClass.TIMED, gettext_noop("electrical stimulation, attended")),
    "97033": (CodeClass.TIMED, gettext_noop("iontophoresis")),
    "97034": (CodeClass.TIMED, gettext_noop("contrast baths")),
    "97035": (CodeClass.TIMED, gettext_noop("ultrasound")),
    "97036": (CodeClass.TIMED, gettext_noop("Hubbard tank")),
    "G0515": (CodeClass.TIMED, gettext_noop("cognitive skills development, each 15 minutes")),
    "97150": (CodeClass.GROUP, gettext_noop("group therapeutic procedures")),
    "92508": (CodeClass.GROUP, gettext_noop("speech, language or hearing treatment, group")),
    "92507": (CodeClass.UNTIMED, gettext_noop("speech, language or hearing treatment, individual")),
    "92526": (CodeClass.UNTIMED, gettext_noop("treatment of swallowing dysfunction")),
    "G0283": (CodeClass.UNTIMED, gettext_noop("electrical stimulation, unattended")),
    "97161": (CodeClass.EVALUATION, gettext_noop("PT evaluation, low complexity")),
    "97162": (CodeClass.EVALUATION, gettext_noop("PT evaluation, moderate complexity")),
    "97163": (CodeClass.EVALUATION, gettext_noop("PT evaluation, high complexity")),
    "97164": (CodeClass.EVALUATION, gettext_noop("PT re-evaluation")),
    "97165": (CodeClass.EVALUATION, gettext_noop("OT evaluation, low complexity")),
    "97166": (CodeClass.EVALUATION, gettext_noop("OT evaluation, moderate complexity")),
    "97167": (CodeClass.EVALUATION, gettext_noop("OT evaluation, high complexity")),
    "97168": (CodeClass.EVALUATION, gettext_noop("OT re-evaluation")),
    "92521": (CodeClass.EVALUATION, gettext_noop("evaluation of speech fluency")),
    "92522": (CodeClass.EVALUATION, gettext_noop("evaluation of speech sound production")),
    "92523": (CodeClass.EVALUATION, gettext_noop("evaluation of speech sound production with language")),
    "92524": (CodeClass.EVALUATION, gettext_noop("behavioral and qualitative analysis of voice and resonance")),
    "92610": (CodeClass.EVALUATION, gettext_noop("evaluation of oral and pharyngeal swallowing function")),
}


def codes_of(kind: CodeClass) -> dict[str, str]:
    return {code: label for code, (cls, label) in THERAPY_CODES.items() if cls is kind}


TIMED_CODES = codes_of(CodeClass.TIMED)
GROUP_CODES = codes_of(CodeClass.GROUP)
EVALUATION_CODES = codes_of(CodeClass.EVALUATION)
TREATMENT_CODES = frozenset(code for code, (kind, _) in THERAPY_CODES.items() if kind is not CodeClass.EVALUATION)

# CMS suppresses any row with fewer than 11 beneficiaries; a clinician below that on every
# code is simply absent from the file. We apply the same floor to what we show.
MIN_BENEFICIARIES = 11
# A row this close to the floor says the clinician bills that code to few patients, so other
# codes billed to fewer still (group therapy, a second timed code) may be missing from the file.
NEAR_SUPPRESSION_BENEFICIARIES = 12

# Provider types of the file that are therapists, with the discipline they practise.
# Since 2019 the file says "... in Private Practice"; older files use the short names.
THERAPIST_PROVIDER_TYPES: dict[str, Discipline] = {
    "Physical Therapist in Private Practice": Discipline.PHYSICAL_THERAPY,
    "Occupational Therapist in Private Practice": Discipline.OCCUPATIONAL_THERAPY,
    "Speech Language Pathologist": Discipline.SPEECH_LANGUAGE_PATHOLOGY,
}
_PROVIDER_TYPE_ALIASES: dict[str, str] = {
    "physical therapist in private practice": "Physical Therapist in Private Practice",
    "physical therapist": "Physical Therapist in Private Practice",
    "occupational therapist in private practice": "Occupational Therapist in Private Practice",
    "occupational therapist": "Occupational Therapist in Private Practice",
    "speech language pathologist": "Speech Language Pathologist",
    "speech-language pathologist": "Speech Language Pathologist",
}


def therapist_provider_type(raw: str) -> str | None:
    """The current name of a therapist provider type, or None for every other provider type."""
    return _PROVIDER_TYPE_ALIASES.get(" ".join(raw.split()).lower())


def provider_type_aliases() -> dict[str, str]:
    """Lower-case spellings (current and pre-2019) mapped to the current name."""
    return dict(_PROVIDER_TYPE_ALIASES)


# --- the 8-minute rule ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MinuteRange:
    """Total timed minutes that bill a given number of units: low to high, both inclusive."""

    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


def units_for_minutes(minutes: int) -> int:
    """Units billed for ``minutes`` of timed treatment in one visit (8-minute rule)."""
    if minutes < 0:
        raise ValueError("minutes cannot be negative")
    return (minutes + UNIT_MINUTES - MINIMUM_BILLABLE_MINUTES) // UNIT_MINUTES


def minutes_for_units(units: int) -> MinuteRange:
    """The timed minutes that bill exactly ``units`` units: 1 -> 8-22, 2 -> 23-37, ..."""
    if units < 0:
        raise ValueError("units cannot be negative")
    if units == 0:
        return MinuteRange(0, MINIMUM_BILLABLE_MINUTES - 1)
    low = UNIT_MINUTES * units - (UNIT_MINUTES - MINIMUM_BILLABLE_MINUTES)
    return MinuteRange(low, low + UNIT_MINUTES - 1)


def average_minutes_at_least(units_per_visit: float) -> int:
    """The fewest one-on-one minutes an average visit can have had, billed honestly, for this
    average of timed units per visit.

    A visit billing n units had at least 15n - 7 timed minutes (8-minute rule), and 0 units
    at least 0, which is more than 15 x 0 - 7; adding over visits, the average visit had at
    least 15u - 7 minutes when u is the average of units per visit. An average says nothing
    of every visit: 2.6 units on average can be some visits of 1 unit and some of 4.
    """
    if not math.isfinite(units_per_visit) or units_per_visit < 0:
        raise ValueError("units per visit must be a non-negative number")
    # A tiny tolerance so that 2.9999999 from floating-point division reads as 3.
    return max(0, math.floor(UNIT_MINUTES * units_per_visit - (UNIT_MINUTES - MINIMUM_BILLABLE_MINUTES) + 1e-9))


# --- one clinician in one year -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """What the indicators need from one row of the file."""

    hcpcs_code: str
    beneficiaries: int
    services: float
    beneficiary_days: float
    place_of_service: str = ""


class _Ratios:
    """The ratios a clinician's and a clinic's totals share, derived from their fields."""

    __slots__ = ()
    visits: float
    visits_high: float
    beneficiaries: int
    timed_units: float
    services: float
    group_services: float

    @property
    def timed_units_per_visit(self) -> float:
        """At most: timed units over the fewest possible visits."""
        return self.timed_units / self.visits

    @property
    def timed_units_per_visit_low(self) -> float:
        """At least: timed units over the most possible visits."""
        return self.timed_units / self.visits_high

    @property
    def group_share(self) -> float:
        """Group services (97150, 92508) over all services."""
        return self.group_services / self.services if self.services > 0 else 0.0

    @property
    def visits_per_beneficiary(self) -> float:
        return self.visits / self.beneficiaries if self.beneficiaries > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ClinicianIndicators(_Ratios):
    npi: str
    provider_type: str
    state: str
    visits: float  # at least: the largest beneficiary-day count among the clinician's codes
    visits_high: float  # at most: the beneficiary-day counts of all its codes added up
    beneficiaries: int  # at least: the largest beneficiary count among its codes
    services: float  # every service of every code
    timed_units: float
    group_services: float
    group_days: float  # beneficiary-days of group codes: visits with a group session
    timed_units_per_visit_by_code: dict[str, float]
    possibly_suppressed: bool  # rows under 11 beneficiaries, absent from the file, may change it

    @property
    def shown(self) -> bool:
        """Enough beneficiaries for CMS to publish, and so for us to show."""
        return self.beneficiaries >= MIN_BENEFICIARIES


def clinician_indicators(npi: str, provider_type: str, state: str, lines: Iterable[ServiceLine]) -> ClinicianIndicators:
    """Indicators of one clinician in one year from all its rows (any place of service).

    A code billed both in a facility and in an office has two rows. Their beneficiary-days and
    services are added (one patient is in one place on a given day); their beneficiaries are
    not, since one patient can be seen in both places: the larger count is taken, which is
    how many different patients at least.
    """
    by_code_days: dict[str, float] = defaultdict(float)
    by_code_services: dict[str, float] = defaultdict(float)
    by_code_beneficiaries: dict[str, int] = defaultdict(int)
    near_floor = False
    for line in lines:
        by_code_days[line.hcpcs_code] += line.beneficiary_days
        by_code_services[line.hcpcs_code] += line.services
        by_code_beneficiaries[line.hcpcs_code] = max(by_code_beneficiaries[line.hcpcs_code], line.beneficiaries)
        near_floor = near_floor or line.beneficiaries <= NEAR_SUPPRESSION_BENEFICIARIES
    if not by_code_days:
        raise ValueError(f"clinician {npi} has no service lines")
    visits = max(by_code_days.values())
    if visits <= 0:
        raise ValueError(f"clinician {npi} has no visits")
    return ClinicianIndicators(
        npi=npi,
        provider_type=provider_type,
        state=state,
        visits=visits,
        visits_high=sum(by_code_days.values()),
        beneficiaries=max(by_code_beneficiaries.values()),
        services=sum(by_code_services.values()),
        timed_units=sum(units for code, units in by_code_services.items() if code in TIMED_CODES),
        group_services=sum(units for code, units in by_code_services.items() if code in GROUP_CODES),
        group_days=sum(days for code, days in by_code_days.items() if code in GROUP_CODES),
        timed_units_per_visit_by_code={
            code: by_code_services[code] / by_code_days[code]
            for code in sorted(by_code_services)
            if code in TIMED_CODES and by_code_days[code] > 0
        },
        possibly_suppressed=near_floor or _evaluations_missing(by_code_days),
    )


def _evaluations_missing(codes: Iterable[str]) -> bool:
    """Treatment billed without any evaluation row: every new patient is evaluated, so the
    evaluations (and perhaps more) were billed to fewer than 11 patients and left out."""
    present = set(codes)
    return bool(present & TREATMENT_CODES) and not present & EVALUATION_CODES.keys()


# --- peers ----------------------------------------------------------------------------------

T = TypeVar("T")


def percentile_rank(value: float, population: Sequence[float]) -> float:
    """Where ``value`` stands among ``population``, 0-100: the share below plus half the ties.

    The mid-rank definition: a value equal to everyone is at 50, the highest of many
    distinct values is near 100, and the figure never moves down when the value goes up.
    """
    if not population:
        raise ValueError("a percentile needs at least one peer")
    ordered = sorted(population)
    return _rank_in_sorted(value, ordered)


def _rank_in_sorted(value: float, ordered: Sequence[float]) -> float:
    below = bisect_left(ordered, value)
    ties = bisect_right(ordered, value) - below
    return 100.0 * (below + 0.5 * ties) / len(ordered)


def peer_percentiles(
    items: Sequence[T], group: Callable[[T], Hashable], value: Callable[[T], float]
) -> list[float | None]:
    """The percentile of each item's value among the OTHER items of its group (never itself);
    None for an item alone in its group."""
    groups: dict[Hashable, list[float]] = defaultdict(list)
    for item in items:
        groups[group(item)].append(value(item))
    for values in groups.values():
        values.sort()
    found: list[float | None] = []
    for item in items:
        ordered, own = groups[group(item)], value(item)
        if len(ordered) < 2:
            found.append(None)
            continue
        below = bisect_left(ordered, own)
        ties = bisect_right(ordered, own) - below - 1  # the item itself is one of its ties
        found.append(100.0 * (below + 0.5 * ties) / (len(ordered) - 1))
    return found


INDICATOR_NAMES = ("timed_units_per_visit", "group_share", "visits_per_beneficiary", "visits")


def clinician_peer_percentiles(clinicians: Sequence[ClinicianIndicators]) -> list[dict[str, float]]:
    """For each clinician, the percentile of every indicator among the others of the same
    provider type and state (none when it has no such peer)."""
    shown = [c for c in clinicians if c.shown]
    per_indicator = {
        name: peer_percentiles(shown, lambda c: (c.provider_type, c.state), _getter(name)) for name in INDICATOR_NAMES
    }
    found: dict[str, dict[str, float]] = {}
    for i, c in enumerate(shown):
        ranks = {name: per_indicator[name][i] for name in INDICATOR_NAMES}
        found[c.npi] = {name: rank for name, rank in ranks.items() if rank is not None}
    return [found.get(c.npi, {}) for c in clinicians]


def _getter(name: str) -> Callable[[ClinicianIndicators], float]:
    return lambda c: float(getattr(c, name))


# --- a clinic: its clinicians rolled up ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClinicIndicators(_Ratios):
    clinicians: int  # clinicians behind the figures (each with at least 11 beneficiaries)
    shared_clinicians: int  # of them, clinicians counted here in part (on several clinics' rosters)
    visits: float  # at least, each clinician's share added up
    visits_high: float  # at most, the same way
    beneficiaries: int  # added up; a patient seen by two clinicians counts twice
    timed_units: float
    services: float
    group_services: float
    group_days: float
    possibly_suppressed: bool


def roster_shares(rosters: dict[str, list[int]]) -> dict[tuple[str, int], float]:
    """Each clinician's share of their visits at each clinic of their roster: equal shares,
    since the file does not say where a visit happened. A clinician's shares add up to 1, so
    the clinics' visits add up to the clinicians' visits."""
    shares: dict[tuple[str, int], float] = {}
    for npi, clinic_ids in rosters.items():
        distinct = sorted(set(clinic_ids))
        for clinic_id in distinct:
            shares[(npi, clinic_id)] = 1.0 / len(distinct)
    return shares


def roll_up(members: Iterable[tuple[ClinicianIndicators, float]]) -> ClinicIndicators | None:
    """A clinic's figures from its clinicians and the share of each one's work done there;
    None when none can be shown. Totals first, ratios last: units over visits, group services
    over services, so that a clinician counts by the visits they did at this clinic."""
    counted = [(c, share) for c, share in members if c.shown and share > 0]
    visits = sum(c.visits * share for c, share in counted)
    if not counted or visits <= 0:
        return None
    return ClinicIndicators(
        clinicians=len(counted),
        shared_clinicians=sum(1 for _, share in counted if share < 1),
        visits=visits,
        visits_high=sum(c.visits_high * share for c, share in counted),
        beneficiaries=math.floor(sum(c.beneficiaries * share for c, share in counted) + 0.5),
        timed_units=sum(c.timed_units * share for c, share in counted),
        services=sum(c.services * share for c, share in counted),
        group_services=sum(c.group_services * share for c, share in counted),
        group_days=sum(c.group_days * share for c, share in counted),
        possibly_suppressed=any(c.possibly_suppressed for c, _ in counted),
    )


# --- the national picture ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Distribution:
    count: int
    low: float  # 10th percentile
    first_quartile: float
    median: float
    third_quartile: float
    high: float  # 90th percentile


def quantile(ordered: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile of sorted values (the "type 7" rule of R and NumPy)."""
    if not ordered:
        raise ValueError("a quantile needs at least one value")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be between 0 and 1")
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def distribution(values: Iterable[float]) -> Distribution | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return Distribution(
        count=len(ordered),
        low=quantile(ordered, 0.1),
        first_quartile=quantile(ordered, 0.25),
        median=quantile(ordered, 0.5),
        third_quartile=quantile(ordered, 0.75),
        high=quantile(ordered, 0.9),
    )


# --- evidence thresholds (docs/methodology.md, "Billing data in the verdict") ------------------

# 97150 is billed once per patient per group session, timed codes once per 15 minutes. With
# the typical 3 timed units per visit, a group share of 15 % of services means that up to about
# half of all visits included group therapy (s = f / (3 + f) solved for s = 0.15 gives f =
# 0.53; fewer when visits bill several codes): group care is then routine, not an exception,
# so the billing supports "not one-on-one".
GROUP_SHARE_NOT_ONE_ON_ONE = 0.15
# One billing item counts like 0.3 of a single patient report: it covers every Medicare
# visit but is indirect, about two years old, per clinician rather than per location, and
# possibly mis-billed. The verdict rule must never rest on it alone.
BILLING_EVIDENCE_WEIGHT = 0.3


_HIGHER_THAN_NINE = gettext_noop("higher than 9 in 10")
_LOWER_THAN_NINE = gettext_noop("lower than 9 in 10")
_HIGHER_THAN_ABOUT = gettext_noop("higher than about %(tenths)s in 10")


def peer_words(percentile: float) -> Message:
    """A percentile among peers in words: "higher than 9 in 10", "lower than 9 in 10", ...
    A message, worded in the language of whoever shows it."""
    if percentile >= 90:
        return Message(_HIGHER_THAN_NINE)
    if percentile <= 10:
        return Message(_LOWER_THAN_NINE)
    return Message(_HIGHER_THAN_ABOUT, {"tenths": round(percentile / 10)})


# --- addresses: the fallback link from a billing row to a clinic ----------------------------

_STREET_WORDS = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "ROAD": "RD",
    "BOULEVARD": "BLVD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "SUITE": "STE",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}


def street_key(street: str) -> str:
    """A street line reduced to what two spellings of one address share: "1 Test Street."
    and "1 TEST ST" both become "1 TEST ST". Suite numbers are dropped (one building)."""
    street = street.split("#", 1)[0]  # "12 Main St #4": the unit number goes
    words = "".join(ch if ch.isalnum() else " " for ch in street.upper()).split()
    kept: list[str] = []
    for word in words:
        word = _STREET_WORDS.get(word, word)
        if word in ("STE", "UNIT", "FL", "FLOOR", "RM", "ROOM"):
            break
        kept.append(word)
    return " ".join(kept)
