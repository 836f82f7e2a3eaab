"""Billing indicators from Medicare "by Provider and Service" rows: the reference definitions.

Plain Python and dataclasses, no Django. The importer stores rows, the fast engine
(caretime.billing.engine) computes the same figures in SQL over whole files, and the tests
hold the two to each other. docs/methodology.md explains every figure for patients.

Facts used (docs/domain.md section 5):

- Timed therapy codes are billed in 15-minute units of direct one-on-one time, and the
  8-minute rule turns total timed minutes of a visit into units: 8-22 minutes = 1 unit,
  23-37 = 2, 38-52 = 3, and so on by 15. Read backwards, n units billed honestly mean at
  least 15n - 7 minutes of one-on-one time.
- 97150 is group therapy (two or more patients at once), billed once per patient per session.
- Evaluations 97161-97164 are untimed.
- Visits are not additive across codes: a visit with 97110 and 97140 counts once in each
  code's beneficiary-day count. A clinician's visits are estimated as the largest
  beneficiary-day count among its codes (a lower bound).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from caretime.core.disciplines import Discipline

UNIT_MINUTES = 15
MINIMUM_BILLABLE_MINUTES = 8  # fewer timed minutes than this bill no unit at all

# Timed codes of outpatient therapy billed in 15-minute units (CPT, as listed in the CMS
# "always therapy" and timed-code lists). Code numbers only; descriptions are short labels.
TIMED_CODES: dict[str, str] = {
    "97110": "therapeutic exercise",
    "97112": "neuromuscular re-education",
    "97113": "aquatic therapy",
    "97116": "gait training",
    "97140": "manual therapy",
    "97530": "therapeutic activities",
    "97533": "sensory integration",
    "97535": "self-care / home management training",
    "97537": "community / work reintegration",
    "97542": "wheelchair management",
    "97750": "physical performance test",
    "97755": "assistive technology assessment",
    "97760": "orthotic management and training",
    "97761": "prosthetic training",
    "97763": "orthotic / prosthetic follow-up",
    "97032": "electrical stimulation, attended",
    "97033": "iontophoresis",
    "97034": "contrast baths",
    "97035": "ultrasound",
    "97036": "Hubbard tank",
}
GROUP_CODE = "97150"
EVALUATION_CODES: dict[str, str] = {
    "97161": "PT evaluation, low complexity",
    "97162": "PT evaluation, moderate complexity",
    "97163": "PT evaluation, high complexity",
    "97164": "PT re-evaluation",
    "97165": "OT evaluation, low complexity",
    "97166": "OT evaluation, moderate complexity",
    "97167": "OT evaluation, high complexity",
    "97168": "OT re-evaluation",
}

# CMS suppresses any row with fewer than 11 beneficiaries; a clinician below that on every
# code is simply absent from the file. We apply the same floor to what we show.
MIN_BENEFICIARIES = 11

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


def minutes_for_units_per_visit(units_per_visit: float) -> MinuteRange:
    """The minute range of an average: fractional units are read as the lower whole number.

    2.6 units per visit means some visits billed 2 units and some 3 or more; the range for
    2 units is what every one of those visits had at least, so it is the honest lower bound.
    """
    if not math.isfinite(units_per_visit) or units_per_visit < 0:
        raise ValueError("units per visit must be a non-negative number")
    # A tiny tolerance so that 2.9999999 from floating-point division reads as 3.
    return minutes_for_units(math.floor(units_per_visit + 1e-9))


# --- one clinician in one year -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """What the indicators need from one row of the file."""

    hcpcs_code: str
    beneficiaries: int
    services: float
    beneficiary_days: float
    place_of_service: str = ""


@dataclass(frozen=True, slots=True)
class ClinicianIndicators:
    npi: str
    provider_type: str
    state: str
    visits: float  # largest beneficiary-day count among the clinician's codes
    beneficiaries: int  # largest beneficiary count among its codes (also a lower bound)
    services: float  # every service of every code
    timed_units: float
    group_services: float
    timed_units_per_visit: float
    timed_units_per_visit_by_code: dict[str, float]
    group_share: float  # 97150 services / all services
    visits_per_beneficiary: float

    @property
    def minimum_minutes(self) -> MinuteRange:
        return minutes_for_units_per_visit(self.timed_units_per_visit)

    @property
    def shown(self) -> bool:
        """Enough beneficiaries for CMS to publish, and so for us to show."""
        return self.beneficiaries >= MIN_BENEFICIARIES


def clinician_indicators(npi: str, provider_type: str, state: str, lines: Iterable[ServiceLine]) -> ClinicianIndicators:
    """Indicators of one clinician in one year from all its rows (any place of service).

    A code billed both in a facility and in an office has two rows; they are summed per code
    first (the two places are different days), then the largest code gives the visits.
    """
    by_code_days: dict[str, float] = defaultdict(float)
    by_code_services: dict[str, float] = defaultdict(float)
    by_code_beneficiaries: dict[str, int] = defaultdict(int)
    for line in lines:
        by_code_days[line.hcpcs_code] += line.beneficiary_days
        by_code_services[line.hcpcs_code] += line.services
        by_code_beneficiaries[line.hcpcs_code] += line.beneficiaries
    if not by_code_days:
        raise ValueError(f"clinician {npi} has no service lines")
    visits = max(by_code_days.values())
    if visits <= 0:
        raise ValueError(f"clinician {npi} has no visits")
    beneficiaries = max(by_code_beneficiaries.values())
    services = sum(by_code_services.values())
    timed_units = sum(units for code, units in by_code_services.items() if code in TIMED_CODES)
    group_services = by_code_services.get(GROUP_CODE, 0.0)
    return ClinicianIndicators(
        npi=npi,
        provider_type=provider_type,
        state=state,
        visits=visits,
        beneficiaries=beneficiaries,
        services=services,
        timed_units=timed_units,
        group_services=group_services,
        timed_units_per_visit=timed_units / visits,
        timed_units_per_visit_by_code={
            code: by_code_services[code] / by_code_days[code]
            for code in sorted(by_code_services)
            if code in TIMED_CODES and by_code_days[code] > 0
        },
        group_share=group_services / services if services > 0 else 0.0,
        visits_per_beneficiary=visits / beneficiaries if beneficiaries > 0 else 0.0,
    )


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


def peer_percentiles(items: Sequence[T], group: Callable[[T], Hashable], value: Callable[[T], float]) -> list[float]:
    """The percentile of each item's value among the items of the same group (itself included)."""
    groups: dict[Hashable, list[float]] = defaultdict(list)
    for item in items:
        groups[group(item)].append(value(item))
    for values in groups.values():
        values.sort()
    return [_rank_in_sorted(value(item), groups[group(item)]) for item in items]


INDICATOR_NAMES = ("timed_units_per_visit", "group_share", "visits_per_beneficiary", "visits")


def clinician_peer_percentiles(clinicians: Sequence[ClinicianIndicators]) -> list[dict[str, float]]:
    """For each clinician, the percentile of every indicator among the same provider type and state."""
    shown = [c for c in clinicians if c.shown]
    per_indicator = {
        name: peer_percentiles(shown, lambda c: (c.provider_type, c.state), _getter(name)) for name in INDICATOR_NAMES
    }
    found = {c.npi: {name: per_indicator[name][i] for name in INDICATOR_NAMES} for i, c in enumerate(shown)}
    return [found.get(c.npi, {}) for c in clinicians]


def _getter(name: str) -> Callable[[ClinicianIndicators], float]:
    return lambda c: float(getattr(c, name))


# --- a clinic: its clinicians rolled up ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClinicIndicators:
    clinicians: int  # clinicians behind the figures (each with at least 11 beneficiaries)
    visits: float  # annual Medicare visits, summed
    beneficiaries: int  # summed; a patient seen by two clinicians counts twice
    timed_units_per_visit: float
    group_share: float
    visits_per_beneficiary: float

    @property
    def minimum_minutes(self) -> MinuteRange:
        return minutes_for_units_per_visit(self.timed_units_per_visit)


def roll_up(clinicians: Iterable[ClinicianIndicators]) -> ClinicIndicators | None:
    """Visit-weighted figures of the clinicians who bill at a clinic; None when none can be shown.

    Weighting by visits makes the clinic figure describe its typical visit: total timed units
    over total visits, the group share of the average visit's clinician, and so on.
    """
    counted = [c for c in clinicians if c.shown]
    visits = sum(c.visits for c in counted)
    if not counted or visits <= 0:
        return None

    def weighted(name: str) -> float:
        return sum(float(getattr(c, name)) * c.visits for c in counted) / visits

    return ClinicIndicators(
        clinicians=len(counted),
        visits=visits,
        beneficiaries=sum(c.beneficiaries for c in counted),
        timed_units_per_visit=weighted("timed_units_per_visit"),
        group_share=weighted("group_share"),
        visits_per_beneficiary=weighted("visits_per_beneficiary"),
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
# the typical 3 timed units per visit, a group share of 15 % of services means about half of
# all visits included group therapy (s = f / (3 + f) solved for s = 0.15 gives f = 0.53):
# group care is then routine, not an exception, so the billing supports "not one-on-one".
GROUP_SHARE_NOT_ONE_ON_ONE = 0.15
# One billing item counts like 0.3 of a single patient report: it covers every Medicare
# visit but is indirect, about two years old, per clinician rather than per location, and
# possibly mis-billed. The verdict rule must never rest on it alone.
BILLING_EVIDENCE_WEIGHT = 0.3


def share_of_visits_with_group(group_share: float, timed_units_per_visit: float) -> float:
    """Approximate share of visits with a group session, from the group share of services."""
    if group_share >= 1.0:
        return 1.0
    return min(1.0, group_share * timed_units_per_visit / (1.0 - group_share))


def peer_words(percentile: float) -> str:
    """A percentile among peers in words: "higher than 9 in 10", "lower than 9 in 10", ..."""
    if percentile >= 90:
        return "higher than 9 in 10"
    if percentile <= 10:
        return "lower than 9 in 10"
    return f"higher than about {round(percentile / 10)} in 10"


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
