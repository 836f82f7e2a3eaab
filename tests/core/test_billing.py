"""The billing indicators' reference definitions, against figures computed by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.core import billing as core
from caretime.core.billing import MinuteRange, ServiceLine


@pytest.mark.parametrize(
    ("units", "low", "high"), [(0, 0, 7), (1, 8, 22), (2, 23, 37), (3, 38, 52), (4, 53, 67), (8, 113, 127)]
)
def test_eight_minute_rule_table_of_the_claims_manual(units: int, low: int, high: int) -> None:
    assert core.minutes_for_units(units) == MinuteRange(low, high)


@pytest.mark.parametrize(("minutes", "units"), [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4)])
def test_minutes_to_units_at_the_edges(minutes: int, units: int) -> None:
    assert core.units_for_minutes(minutes) == units


def test_fractional_units_per_visit_read_as_the_lower_whole_number() -> None:
    assert core.minutes_for_units_per_visit(2.1) == MinuteRange(23, 37)
    assert core.minutes_for_units_per_visit(2.99) == MinuteRange(23, 37)
    assert core.minutes_for_units_per_visit(3.0) == MinuteRange(38, 52)
    assert core.minutes_for_units_per_visit(9 / 3) == MinuteRange(38, 52)
    assert core.minutes_for_units_per_visit(0.4) == MinuteRange(0, 7)


@given(st.integers(min_value=0, max_value=10_000))
def test_the_ranges_tile_the_line(units: int) -> None:
    this, following = core.minutes_for_units(units), core.minutes_for_units(units + 1)
    assert following.low == this.high + 1
    assert this.low <= this.high


@given(st.integers(min_value=0, max_value=100_000))
def test_every_minute_count_falls_in_the_range_of_its_units(minutes: int) -> None:
    units = core.units_for_minutes(minutes)
    span = core.minutes_for_units(units)
    assert span.low <= minutes <= span.high


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_more_minutes_never_bill_fewer_units(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert core.units_for_minutes(low) <= core.units_for_minutes(high)


@given(st.floats(min_value=0, max_value=50), st.floats(min_value=0, max_value=50))
def test_more_units_per_visit_never_mean_fewer_minutes(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert core.minutes_for_units_per_visit(low).low <= core.minutes_for_units_per_visit(high).low


def test_negative_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        core.units_for_minutes(-1)
    with pytest.raises(ValueError, match="non-negative"):
        core.minutes_for_units_per_visit(float("nan"))


# A physical therapist's year, computed by hand:
#   97110 office 300 units on 150 days (20 patients) + facility 30 units on 20 days (11 patients)
#         -> 330 units, 170 days, 31 patients
#   97140 100 units on 80 days (15 patients); 97150 group 50 on 50 days (12); 97162 evaluation 18 (18)
#   visits = largest days = 170; beneficiaries = 31; services = 330 + 100 + 50 + 18 = 498
#   timed units = 330 + 100 = 430 -> 430 / 170 = 2.5294 per visit -> at least 23-37 minutes
#   group share = 50 / 498 = 0.1004; visits per beneficiary = 170 / 31 = 5.4839
FIXTURE_LINES = [
    ServiceLine("97110", 20, 300, 150, "O"),
    ServiceLine("97110", 11, 30, 20, "F"),
    ServiceLine("97140", 15, 100, 80, "O"),
    ServiceLine("97150", 12, 50, 50, "O"),
    ServiceLine("97162", 18, 18, 18, "O"),
]


def test_one_clinicians_indicators_by_hand() -> None:
    result = core.clinician_indicators("1234567893", "Physical Therapist in Private Practice", "IL", FIXTURE_LINES)
    assert result.visits == 170
    assert result.beneficiaries == 31
    assert result.services == 498
    assert result.timed_units == 430
    assert result.group_services == 50
    assert result.timed_units_per_visit == pytest.approx(2.529412, abs=1e-6)
    assert result.timed_units_per_visit_by_code == pytest.approx({"97110": 330 / 170, "97140": 1.25})
    assert result.minimum_minutes == MinuteRange(23, 37)
    assert result.group_share == pytest.approx(0.100402, abs=1e-6)
    assert result.visits_per_beneficiary == pytest.approx(5.483871, abs=1e-6)
    assert result.shown


def test_a_clinician_without_lines_is_an_error() -> None:
    with pytest.raises(ValueError, match="no service lines"):
        core.clinician_indicators("1234567893", "Speech Language Pathologist", "IL", [])


def test_percentile_ranks_by_hand() -> None:
    population = [1.0, 2.0, 2.0, 3.0]
    assert core.percentile_rank(1.0, population) == 12.5
    assert core.percentile_rank(2.0, population) == 50.0
    assert core.percentile_rank(3.0, population) == 87.5


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50), st.floats(0, 1e6), st.floats(0, 1e6))
def test_percentiles_stay_in_range_and_never_drop_when_the_value_rises(
    population: list[float], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert 0.0 <= core.percentile_rank(low, population) <= core.percentile_rank(high, population) <= 100.0


@given(st.floats(min_value=0, max_value=1e6), st.integers(min_value=1, max_value=30))
def test_a_value_equal_to_everyone_is_the_median(value: float, size: int) -> None:
    assert core.percentile_rank(value, [value] * size) == 50.0


def test_peers_are_the_same_provider_type_and_state() -> None:
    def make(npi: str, state: str, units: float) -> core.ClinicianIndicators:
        lines = [ServiceLine("97110", 20, units * 100, 100)]
        return core.clinician_indicators(npi, "Physical Therapist in Private Practice", state, lines)

    people = [make("a", "IL", 2.0), make("b", "IL", 3.0), make("c", "TX", 1.0), make("d", "IL", 4.0)]
    ranks = core.clinician_peer_percentiles(people)
    assert [r["timed_units_per_visit"] for r in ranks] == pytest.approx([100 / 6, 50.0, 50.0, 500 / 6])


def _person(
    npi: str, visits: float, units: float, group_services: float, beneficiaries: int
) -> core.ClinicianIndicators:
    lines = [ServiceLine("97110", beneficiaries, units * visits, visits)]
    if group_services:
        lines.append(ServiceLine("97150", beneficiaries, group_services, group_services))
    return core.clinician_indicators(npi, "Physical Therapist in Private Practice", "IL", lines)


def test_clinic_rollup_weights_by_visits_and_leaves_out_suppressed_clinicians() -> None:
    # A: 100 visits, 3.0 units, no group, 10 patients -> 10 visits each
    # B: 300 visits, 2.0 units, 150 group services of 750 (0.2), 25 patients -> 12 visits each
    # C: only 5 patients: CMS would suppress, so it does not count.
    a = _person("a", 100, 3.0, 0, 10 + 1)  # 11 patients: 100 / 11 visits each
    b = _person("b", 300, 2.0, 150, 25)
    c = _person("c", 1_000, 1.0, 0, 5)
    clinic = core.roll_up([a, b, c])
    assert clinic is not None
    assert clinic.clinicians == 2
    assert clinic.visits == 400
    assert b.group_share == pytest.approx(0.2)
    assert clinic.timed_units_per_visit == pytest.approx((300 + 600) / 400)
    assert clinic.group_share == pytest.approx((0 * 100 + 0.2 * 300) / 400)
    assert clinic.visits_per_beneficiary == pytest.approx((100 / 11 * 100 + 12 * 300) / 400)
    assert clinic.minimum_minutes == MinuteRange(23, 37)


def test_no_rollup_without_a_clinician_above_the_suppression_floor() -> None:
    assert core.roll_up([_person("c", 1_000, 1.0, 0, 10)]) is None
    assert core.roll_up([]) is None


def test_quantiles_by_hand() -> None:
    result = core.distribution([4.0, 1.0, 3.0, 2.0])
    assert result is not None
    assert (result.count, result.first_quartile, result.median, result.third_quartile) == (4, 1.75, 2.5, 3.25)
    assert result.low == pytest.approx(1.3)
    assert result.high == pytest.approx(3.7)
    assert core.distribution([]) is None


def test_group_share_threshold_reads_as_about_half_of_visits() -> None:
    assert core.share_of_visits_with_group(core.GROUP_SHARE_NOT_ONE_ON_ONE, 3.0) == pytest.approx(0.53, abs=0.01)
    assert core.share_of_visits_with_group(0.0, 3.0) == 0.0


@pytest.mark.parametrize(
    ("percentile", "words"),
    [
        (95, "higher than 9 in 10"),
        (5, "lower than 9 in 10"),
        (71, "higher than about 7 in 10"),
        (50, "higher than about 5 in 10"),
    ],
)
def test_peer_words(percentile: float, words: str) -> None:
    assert core.peer_words(percentile) == words


def test_street_key_matches_two_spellings_of_one_address() -> None:
    assert core.street_key("1 Test Street, Suite 200") == core.street_key("1 TEST ST")
    assert core.street_key("400 N. Lake Avenue") == "400 N LAKE AVE"
    assert core.street_key("12 Main St #4") == core.street_key("12 MAIN STREET")
    assert core.street_key("400 N Lake Ave") != core.street_key("401 N Lake Ave")


def test_provider_types_of_both_file_generations() -> None:
    assert core.therapist_provider_type("Physical Therapist") == "Physical Therapist in Private Practice"
    assert core.therapist_provider_type(" occupational  therapist ") == "Occupational Therapist in Private Practice"
    assert core.therapist_provider_type("Internal Medicine") is None


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=5_000),  # visits
            st.floats(min_value=0, max_value=6),  # timed units per visit
            st.integers(min_value=0, max_value=2_000),  # group services
            st.integers(min_value=11, max_value=500),  # beneficiaries
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_clinic_figure_lies_between_its_clinicians_figures(people: list[tuple[int, float, int, int]]) -> None:
    clinicians = [_person(str(i), v, u, g, b) for i, (v, u, g, b) in enumerate(people)]
    shown = [c for c in clinicians if c.shown]
    clinic = core.roll_up(clinicians)
    assert clinic is not None
    for name in ("timed_units_per_visit", "group_share", "visits_per_beneficiary"):
        values = [getattr(c, name) for c in shown]
        assert min(values) - 1e-9 <= getattr(clinic, name) <= max(values) + 1e-9
    assert clinic.visits == sum(c.visits for c in shown)
