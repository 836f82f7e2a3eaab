"""The rules that keep clinicians who report their workplace safe, and what their reports mean."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.evidence import EvidenceSource
from caretime.core.workplace import (
    MIN_CLINICIAN_REPORTS,
    AideCare,
    Booking,
    EmployerSort,
    WorkerAnswers,
    WorkplaceFigures,
    answer_problems,
    employer_rank,
    experience_year_problem,
    patients_per_hour_band,
    populations_to_publish,
    publication_order,
    quota_band,
    workplace_evidence,
)
from caretime.core.workplace_privacy import NoNoise, private_figures

TODAY = date(2026, 11, 30)

answers_strategy = st.builds(
    lambda typical, extra, slot, booking, quota, unpaid, aides, recommend: WorkerAnswers(
        typical, min(typical + extra, 8), slot, booking, quota, unpaid, aides, recommend
    ),
    st.integers(1, 8),
    st.integers(0, 7),
    st.integers(10, 120),
    st.sampled_from(Booking),
    st.integers(0, 100),
    st.integers(0, 240),
    st.sampled_from(AideCare),
    st.booleans(),
)


def answers(typical: int, booking: Booking, *, quota: int = 85, recommend: bool = True) -> WorkerAnswers:
    return WorkerAnswers(typical, typical, 45, booking, quota, 30, AideCare.NO, recommend)


def figures_of(items: list[WorkerAnswers], *, npi_on_roster: bool = True) -> WorkplaceFigures:
    """The bands of the exact medians and shares (no noise): these tests are about what figures
    mean; the noise has its own (tests/core/test_workplace_privacy.py)."""
    return private_figures(
        items,
        npi_on_roster=npi_on_roster,
        experience_year=2026,
        first_published=TODAY,
        last_published=TODAY,
        noise=NoNoise(),
    )


# --- what can be published ----------------------------------------------------------------


def simulate_batches(arrivals: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Publish monthly batches of reports arriving as (month, population); return every
    figure ever published as (month, population, reporters)."""
    published: Counter[int] = Counter()
    waiting: Counter[int] = Counter()
    history = []
    last_month = max((month for month, _ in arrivals), default=0)
    for month in range(last_month + 2):
        # The batch of this month publishes what arrived before it.
        for population in populations_to_publish(waiting):
            published[population] += waiting.pop(population)
            history.append((month, population, published[population]))
        for arrival_month, population in arrivals:
            if arrival_month == month:
                waiting[population] += 1
    return history


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 5)), max_size=200))
def test_no_published_figure_stands_on_fewer_than_five_and_no_two_differ_by_fewer(
    arrivals: list[tuple[int, int]],
) -> None:
    history = simulate_batches(arrivals)
    for _, _, reporters in history:
        assert reporters >= MIN_CLINICIAN_REPORTS
    # Figures of the same population overlap (the later one holds the earlier one's reports):
    # subtracting them must never isolate fewer than five people. Different populations hold
    # different reports, so they never overlap.
    by_population: dict[int, list[int]] = {}
    for _, population, reporters in history:
        by_population.setdefault(population, []).append(reporters)
    for counts in by_population.values():
        for earlier, later in itertools.pairwise(counts):
            assert later - earlier >= MIN_CLINICIAN_REPORTS
    # Nothing is published that did not arrive, and nothing is lost: what waits is under five.
    arrived = Counter(population for _, population in arrivals)
    for population, total in arrived.items():
        shown = max(by_population.get(population, [0]))
        assert 0 <= total - shown < MIN_CLINICIAN_REPORTS


def test_a_population_with_four_waiting_reports_waits_for_a_fifth() -> None:
    assert populations_to_publish({"a": 4, "b": 5, "c": 12}) == {"b", "c"}


def spearman(order: list[int]) -> float:
    """Rank correlation between arrival order (0, 1, 2, ...) and publication position."""
    n = len(order)
    d2 = sum((position - arrived) ** 2 for position, arrived in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_publication_order_is_unrelated_to_arrival_order() -> None:
    correlations = [spearman(publication_order(range(20))) for _ in range(2_000)]
    # Independent orders give a mean correlation of 0 with a standard error of about
    # 1 / sqrt(19 * 2000) = 0.005; a batch kept in arrival order would give 1.
    assert abs(statistics.fmean(correlations)) < 0.03
    assert statistics.fmean(abs(c) for c in correlations) < 0.35


@given(st.lists(st.integers(), min_size=0, max_size=50))
def test_publication_order_keeps_every_report_once(items: list[int]) -> None:
    assert sorted(publication_order(items)) == sorted(items)


# --- answers -----------------------------------------------------------------------------


def test_a_peak_below_the_typical_hour_is_refused_with_what_to_check() -> None:
    problems = answer_problems(WorkerAnswers(4, 2, 30, Booking.NEVER, 90, 0, AideCare.NO, True))
    assert "patients_per_hour_peak" in problems
    assert "check both numbers" in problems["patients_per_hour_peak"]


@pytest.mark.parametrize(
    ("field", "answers_"),
    [
        ("patients_per_hour_typical", WorkerAnswers(0, 2, 30, Booking.NEVER, 90, 0, AideCare.NO, True)),
        ("slot_minutes", WorkerAnswers(1, 2, 5, Booking.NEVER, 90, 0, AideCare.NO, True)),
        ("quota_percent", WorkerAnswers(1, 2, 30, Booking.NEVER, 101, 0, AideCare.NO, True)),
        ("unpaid_documentation_minutes", WorkerAnswers(1, 2, 30, Booking.NEVER, 90, 300, AideCare.NO, True)),
    ],
)
def test_answers_out_of_range_name_their_field(field: str, answers_: WorkerAnswers) -> None:
    assert set(answer_problems(answers_)) == {field}


@given(answers_strategy)
def test_answers_within_the_ranges_are_taken(answers_: WorkerAnswers) -> None:
    assert answer_problems(answers_) == {}


def test_reports_are_about_this_year_or_the_two_before() -> None:
    assert experience_year_problem(2026, TODAY) is None
    assert experience_year_problem(2024, TODAY) is None
    assert experience_year_problem(2023, TODAY) is not None
    assert experience_year_problem(2027, TODAY) is not None


# --- figures -----------------------------------------------------------------------------


def test_fewer_than_five_reports_make_no_figure() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        figures_of([answers(1, Booking.NEVER)] * 4)


@given(st.lists(answers_strategy, min_size=MIN_CLINICIAN_REPORTS, max_size=40))
def test_without_noise_figures_are_the_bands_of_the_medians_whatever_their_order(items: list[WorkerAnswers]) -> None:
    forward = figures_of(items)
    backward = figures_of(list(reversed(items)))
    assert forward == backward
    assert forward.reporters == len(items)
    assert forward.typical_band == patients_per_hour_band(
        statistics.median_low(a.patients_per_hour_typical for a in items)
    )
    assert forward.quota_band == quota_band(statistics.median_low(a.quota_percent for a in items))
    assert 0 <= forward.recommend_share <= 1


@pytest.mark.parametrize(
    ("median", "label"),
    [(1, "1 patient"), (1.5, "2 patients"), (2, "2 patients"), (3, "3-4 patients"), (4.5, "5 or more patients")],
)
def test_patients_per_hour_are_shown_as_bands(median: float, label: str) -> None:
    assert patients_per_hour_band(median).label == label


@pytest.mark.parametrize(
    ("median", "label"), [(0, "no quota"), (70, "under 75 %"), (80, "75-85 %"), (92, "90-95 %"), (97, "95 % or more")]
)
def test_quotas_are_shown_as_the_domains_bands(median: float, label: str) -> None:
    assert quota_band(median).label == label


# --- evidence ----------------------------------------------------------------------------


def test_a_densely_booked_workplace_supports_not_one_on_one() -> None:
    evidence = workplace_evidence(figures_of([answers(4, Booking.EVERY_DAY)] * 6))
    assert evidence is not None
    assert evidence.source == EvidenceSource.WORKER_REPORT
    assert evidence.shared is True
    assert evidence.reporters == 6
    assert "3-4 patients" in str(evidence.summary)


def test_double_booking_on_most_days_supports_not_one_on_one_even_at_two_an_hour() -> None:
    evidence = workplace_evidence(figures_of([answers(2, Booking.MOST_DAYS)] * 5))
    assert evidence is not None
    assert evidence.shared is True


def test_one_an_hour_never_double_booked_supports_one_on_one() -> None:
    evidence = workplace_evidence(figures_of([answers(1, Booking.NEVER)] * 5))
    assert evidence is not None
    assert evidence.shared is False


def test_a_workplace_in_between_tells_the_verdict_nothing() -> None:
    assert workplace_evidence(figures_of([answers(2, Booking.SOME_DAYS)] * 5)) is None


def test_reports_off_the_roster_never_become_evidence() -> None:
    unverified = figures_of([answers(4, Booking.EVERY_DAY)] * 9, npi_on_roster=False)
    assert workplace_evidence(unverified) is None


# --- employers ---------------------------------------------------------------------------


def test_the_employer_list_puts_the_least_crowded_workplace_first() -> None:
    mill = figures_of([answers(4, Booking.EVERY_DAY, quota=95, recommend=False)] * 5)
    good = figures_of([answers(1, Booking.NEVER, quota=80)] * 5)
    middling = figures_of([answers(2, Booking.SOME_DAYS, quota=60)] * 5)
    ranked = sorted([mill, middling, good], key=lambda f: employer_rank(f, EmployerSort.DENSITY))
    assert ranked == [good, middling, mill]
    by_quota = sorted([mill, middling, good], key=lambda f: employer_rank(f, EmployerSort.QUOTA))
    assert by_quota == [middling, good, mill]


@settings(max_examples=50)
@given(st.lists(answers_strategy, min_size=MIN_CLINICIAN_REPORTS, max_size=12), st.sampled_from(EmployerSort))
def test_more_reporters_break_a_tie(items: list[WorkerAnswers], sort: EmployerSort) -> None:
    few = figures_of(items)
    many = figures_of(items * 2)
    assert employer_rank(many, sort) < employer_rank(few, sort)
