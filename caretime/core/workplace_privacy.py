"""Published workplace figures with differential privacy (OpenDP), on top of k >= 5.

Why: k >= 5 protects a reporter only when the other four answers are real. Anyone can send
reports, so four chosen answers (two low, two high) plus one real one would make an exact
median equal to the real answer. Here every published figure is drawn by an OpenDP
measurement whose privacy loss is stated: whatever else a reader knows, including all the
other reports of the batch, the published figures change the odds of any one answer of any
one report by a factor of at most e^epsilon.

The budget: at most ``EPSILON_PER_YEAR`` (4) in total per clinic, therapy and year the reports
are about, kept in a ledger (``caretime.workplace.models.PrivacyLedger``). One publication of a
population spends ``RELEASE_EPSILON`` (2), split evenly across the ``QUESTIONS`` (8), so a
clinic, therapy and year is published at most twice. Each figure is a band, chosen privately:

- the six medians (patients per hour typical and peak, slot length, double-booking, quota,
  unpaid documentation): each answer is put in its band, and OpenDP's quantile scores with its
  noisy max (exponential noise, equivalent to permute-and-flip) choose the median band;
- the two shares (aides giving skilled care, would recommend): OpenDP's bounded sum of the
  "yes" answers with discrete Laplace noise, divided by the (public) number of reports.

Neighbouring data sets differ in one report whose answers are replaced (the number of
reports is published, so it is known): OpenDP's symmetric distance 2. Every epsilon here is
OpenDP's own privacy map at that distance, checked when a measurement is built.

Noise: ``OpenDPNoise`` lets OpenDP draw it, from the operating system's cryptographic
generator, which has no seed (nobody, us included, can recreate it). Tests use ``SeededNoise``:
the same OpenDP transformations (scores, sums) and the same distributions at the same
scales, drawn from a seeded generator so that runs repeat exactly.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, cast

import opendp.prelude as dp

from caretime.core.workplace import BOOKING_ORDER, MIN_CLINICIAN_REPORTS, AideCare, WorkerAnswers, WorkplaceFigures

dp.enable_features("contrib")

# The privacy budget of one clinic, therapy and year the reports are about, over every
# publication of both populations together (docs/privacy.md, "What the figures can reveal").
EPSILON_PER_YEAR = 4.0
# What one publication of one population spends: two publications per clinic, therapy and year.
RELEASE_EPSILON = 2.0
QUESTIONS = 8
EPSILON_PER_QUESTION = RELEASE_EPSILON / QUESTIONS
# One report replaced by another (the number of reports is public): OpenDP's symmetric distance.
NEIGHBOURS = 2


@dataclass(frozen=True)
class Banding:
    """Bands of a median: exclusive upper bounds, and one value inside each band that is stored
    for it (pages and the API show only the band; the exact median is never stored)."""

    uppers: tuple[float, ...]
    representatives: tuple[float, ...]

    def index(self, value: float) -> int:
        for index, upper in enumerate(self.uppers):
            if value < upper:
                return index
        return len(self.uppers)

    @property
    def size(self) -> int:
        return len(self.representatives)


# The same bounds as the band functions of caretime.core.workplace (a test holds them together).
PATIENTS_BANDING = Banding((1.5, 2.5, 4.5), (1, 2, 3, 5))
SLOT_BANDING = Banding((30.5, 45.5, 60.5), (30, 45, 60, 90))
QUOTA_BANDING = Banding((1, 75, 85, 90, 95), (0, 70, 80, 88, 92, 97))
UNPAID_BANDING = Banding((1, 30, 60, 120), (0, 15, 45, 90, 150))
SHARE_BANDING = Banding((0.25, 0.5, 0.75), (0.125, 0.375, 0.625, 0.875))
BOOKING_BANDING = Banding((0.5, 1.5, 2.5), (0, 1, 2, 3))  # the rank in BOOKING_ORDER

MEDIANS: tuple[tuple[str, Banding], ...] = (
    ("patients_per_hour_typical", PATIENTS_BANDING),
    ("patients_per_hour_peak", PATIENTS_BANDING),
    ("slot_minutes", SLOT_BANDING),
    ("booking", BOOKING_BANDING),
    ("quota_percent", QUOTA_BANDING),
    ("unpaid_documentation_minutes", UNPAID_BANDING),
)
SHARES = ("aides_skilled_care", "would_recommend")


def _value(answers: WorkerAnswers, name: str) -> float:
    if name == "booking":
        return BOOKING_ORDER.index(answers.booking)
    return float(getattr(answers, name))


def _yes(answers: WorkerAnswers, name: str) -> int:
    if name == "aides_skilled_care":
        return int(answers.aides_skilled_care != AideCare.NO)
    return int(answers.would_recommend)


@functools.lru_cache(maxsize=256)
def median_scores(count: int, bands: int) -> dp.Transformation:
    """OpenDP's quantile scores of each band index as the median of ``count`` band indices."""
    domain = dp.vector_domain(dp.atom_domain(T=int), size=count)
    return dp.t.make_quantile_score_candidates(
        domain, dp.symmetric_distance(), candidates=list(range(bands)), alpha=0.5
    )


def median_scale(count: int, bands: int) -> float:
    """The noise scale that spends ``EPSILON_PER_QUESTION`` on a median band (OpenDP's map:
    epsilon = 2 x the scores' sensitivity / scale)."""
    sensitivity = median_scores(count, bands).map(NEIGHBOURS)  # type: ignore[no-untyped-call]
    return float(2 * sensitivity / EPSILON_PER_QUESTION)


@functools.lru_cache(maxsize=256)
def median_measurement(count: int, bands: int) -> dp.Measurement:
    measurement = median_scores(count, bands) >> dp.m.then_noisy_max(
        dp.max_divergence(), scale=median_scale(count, bands), negate=True
    )
    _check(measurement)
    return cast(dp.Measurement, measurement)


@functools.lru_cache(maxsize=256)
def yes_sum(count: int) -> dp.Transformation:
    domain = dp.vector_domain(dp.atom_domain(bounds=(0, 1)), size=count)
    return dp.t.make_sum(domain, dp.symmetric_distance())


def share_scale(count: int) -> float:
    return float(yes_sum(count).map(NEIGHBOURS) / EPSILON_PER_QUESTION)  # type: ignore[no-untyped-call]


@functools.lru_cache(maxsize=256)
def share_measurement(count: int) -> dp.Measurement:
    measurement = yes_sum(count) >> dp.m.then_laplace(scale=share_scale(count))
    _check(measurement)
    return cast(dp.Measurement, measurement)


def _check(measurement: dp.Measurement) -> None:
    spent = measurement.map(NEIGHBOURS)  # type: ignore[no-untyped-call]
    if spent > EPSILON_PER_QUESTION * (1 + 1e-9):
        raise ValueError(f"a question would spend epsilon {spent}, more than {EPSILON_PER_QUESTION}")


class Noise(Protocol):
    """Where the randomness of a publication comes from."""

    def median_band(self, indices: list[int], bands: int) -> int: ...

    def noisy_yes(self, ones: list[int]) -> int: ...


class OpenDPNoise:
    """Production: OpenDP's measurements draw the noise from the operating system."""

    def median_band(self, indices: list[int], bands: int) -> int:
        return int(median_measurement(len(indices), bands)(indices))

    def noisy_yes(self, ones: list[int]) -> int:
        return int(share_measurement(len(ones))(ones))


class SeededNoise:
    """Tests and the benchmark: OpenDP's scores and sums, with the same noise distributions at
    the same scales drawn from a seeded generator, so that a run repeats exactly. Never used by
    the running site (the publication reads its seed only from a test setting)."""

    def __init__(self, seed: int | str) -> None:
        self.random = random.Random(seed)

    def _exponential(self, scale: float) -> float:
        return -scale * math.log(1 - self.random.random())

    def median_band(self, indices: list[int], bands: int) -> int:
        median_measurement(len(indices), bands)  # the same checks as in production
        scores = median_scores(len(indices), bands)(indices)
        scale = median_scale(len(indices), bands)
        noisy = [score - self._exponential(scale) for score in scores]  # report-noisy-min
        return min(range(bands), key=lambda index: noisy[index])

    def noisy_yes(self, ones: list[int]) -> int:
        share_measurement(len(ones))
        scale = share_scale(len(ones))
        # Discrete Laplace: the difference of two geometric draws of ratio exp(-1/scale).
        ratio = math.exp(-1 / scale)
        return int(yes_sum(len(ones))(ones)) + self._geometric(ratio) - self._geometric(ratio)

    def _geometric(self, ratio: float) -> int:
        return math.floor(math.log(1 - self.random.random()) / math.log(ratio))


class NoNoise:
    """The exact figures (the band of the true median and share): for measuring what the noise
    costs, and for showing that the attack test fails without noise. Never published."""

    def median_band(self, indices: list[int], bands: int) -> int:
        return sorted(indices)[(len(indices) - 1) // 2]

    def noisy_yes(self, ones: list[int]) -> int:
        return sum(ones)


@dataclass(frozen=True)
class ReleasedBands:
    """The bands one publication chose, as the values stored for them."""

    values: dict[str, float]  # question -> the representative value of its chosen band


def release_bands(answers: Sequence[WorkerAnswers], noise: Noise) -> ReleasedBands:
    """One population's figures, every one a privately chosen band; spends ``RELEASE_EPSILON``."""
    count = len(answers)
    values: dict[str, float] = {}
    for name, banding in MEDIANS:
        indices = [banding.index(_value(a, name)) for a in answers]
        values[name] = banding.representatives[noise.median_band(indices, banding.size)]
    for name in SHARES:
        noisy = noise.noisy_yes([_yes(a, name) for a in answers])
        share = min(max(noisy / count, 0.0), 1.0)
        values[name] = SHARE_BANDING.representatives[SHARE_BANDING.index(share)]
    return ReleasedBands(values)


def budget_allows(spent: float) -> bool:
    """Whether a clinic, therapy and year that has spent ``spent`` may be published once more."""
    return spent + RELEASE_EPSILON <= EPSILON_PER_YEAR + 1e-9


def private_figures(
    answers: Sequence[WorkerAnswers],
    *,
    npi_on_roster: bool,
    experience_year: int,
    first_published: date,
    last_published: date,
    noise: Noise,
) -> WorkplaceFigures:
    """The published figures of one population (one clinic, therapy, year and kind of report)."""
    if len(answers) < MIN_CLINICIAN_REPORTS:
        raise ValueError(f"a workplace figure needs at least {MIN_CLINICIAN_REPORTS} reports")
    values = release_bands(answers, noise).values
    return WorkplaceFigures(
        reporters=len(answers),
        npi_on_roster=npi_on_roster,
        typical_per_hour=values["patients_per_hour_typical"],
        peak_per_hour=values["patients_per_hour_peak"],
        slot_minutes=values["slot_minutes"],
        booking=BOOKING_ORDER[int(values["booking"])],
        quota_percent=values["quota_percent"],
        unpaid_documentation_minutes=values["unpaid_documentation_minutes"],
        aides_skilled_care_share=values["aides_skilled_care"],
        recommend_share=values["would_recommend"],
        experience_year=experience_year,
        first_published=first_published,
        last_published=last_published,
    )
