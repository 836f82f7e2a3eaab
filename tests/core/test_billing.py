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


def test_average_minutes_at_least_is_15u_minus_7_rounded_down() -> None:
    # 15 x 2.1 - 7 = 24.5 -> 24; 15 x 2.99 - 7 = 37.85 -> 37; 15 x 3 - 7 = 38
    assert core.average_minutes_at_least(2.1) == 24
    assert core.average_minutes_at_least(2.99) == 37
    assert core.average_minutes_at_least(3.0) == 38
    assert core.average_minutes_at_least(9 / 3) == 38  # floating-point 3 still reads as 3
    assert core.average_minutes_at_least(1.0) == 8  # one unit: the 8-minute rule itself
    # 15 x 0.6 - 7 = 2; 15 x 0.4 - 7 = -1 -> never below 0
    assert core.average_minutes_at_least(0.6) == 2
    assert core.average_minutes_at_least(0.4) == 0
    assert core.average_minutes_at_least(0.0) == 0


def test_an_average_of_units_is_not_a_whole_number_of_units_per_visit() -> None:
    # Half the visits bill 1 unit (at least 8 minutes), half 4 units (at least 53 minutes):
    # 2.5 units on average, and the average visit had at least (8 + 53) / 2 = 30.5 minutes,
    # which is 15 x 2.5 - 7 = 30.5. Reading 2.5 as "every visit had 2 units" (23 minutes and
    # more) would claim a floor the 1-unit visits never reached.
    assert core.average_minutes_at_least(2.5) == 30
    assert core.minutes_for_units(1).low < 23


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=40))
def test_the_average_floor_never_exceeds_what_the_visits_guarantee(units_of_visits: list[int]) -> None:
    # Any mix of visits: the average of each visit's least minutes is at least the floor.
    average_units = sum(units_of_visits) / len(units_of_visits)
    least_minutes = sum(core.minutes_for_units(n).low for n in units_of_visits) / len(units_of_visits)
    assert core.average_minutes_at_least(average_units) <= least_minutes + 1e-9
    if len(set(units_of_visits)) == 1 and units_of_visits[0] > 0:  # all alike: the floor is exact
        assert core.average_minutes_at_least(average_units) == core.minutes_for_units(units_of_visits[0]).low


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
    assert core.average_minutes_at_least(low) <= core.average_minutes_at_least(high)


def test_negative_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        core.units_for_minutes(-1)
    with pytest.raises(ValueError, match="non-negative"):
        core.average_minutes_at_least(float("nan"))
    with pytest.raises(ValueError, match="non-negative"):
        core.average_minutes_at_least(-0.5)


# A physical therapist's year, computed by hand:
#   97110 office 300 units on 150 days (20 patients) + facility 30 units on 20 days (11 patients)
#         -> 330 units, 170 days; patients max(20, 11) = 20 (one patient can be seen in both places)
#   97140 100 units on 80 days (15 patients); 97150 group 50 on 50 days (12); 97162 evaluation 18 (18)
#   visits at least = largest days = max(170, 80, 50, 18) = 170
#   visits at most = all days added = 170 + 80 + 50 + 18 = 318
#   beneficiaries = max(20, 15, 12, 18) = 20; services = 330 + 100 + 50 + 18 = 498
#   timed units = 330 + 100 = 430 -> 430 / 170 = 2.5294 per visit at most, 430 / 318 = 1.3522 at least
#   -> an average visit had at least floor(15 x 1.3522 - 7) = floor(13.28) = 13 minutes
#   group share = 50 / 498 = 0.1004; visits per beneficiary = 170 / 20 = 8.5
#   possibly suppressed: the facility 97110 row has 11 patients and 97150 has 12 (<= 12)
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
    assert result.visits_high == 318
    assert result.beneficiaries == 20
    assert result.services == 498
    assert result.timed_units == 430
    assert result.group_services == 50
    assert result.timed_units_per_visit == pytest.approx(2.529412, abs=1e-6)
    assert result.timed_units_per_visit_low == pytest.approx(1.352201, abs=1e-6)
    assert result.timed_units_per_visit_by_code == pytest.approx({"97110": 330 / 170, "97140": 1.25})
    assert core.average_minutes_at_least(result.timed_units_per_visit_low) == 13
    assert result.group_share == pytest.approx(0.100402, abs=1e-6)
    assert result.visits_per_beneficiary == pytest.approx(8.5)
    assert result.possibly_suppressed
    assert result.shown


def test_possibly_suppressed_near_the_floor_or_without_evaluations() -> None:
    def flagged(*lines: ServiceLine) -> bool:
        return core.clinician_indicators(
            "1234567893", "Physical Therapist in Private Practice", "IL", lines
        ).possibly_suppressed

    evaluation = ServiceLine("97161", 40, 40, 40)
    assert not flagged(ServiceLine("97110", 13, 300, 100), evaluation)  # 13 patients: above the margin
    assert flagged(ServiceLine("97110", 12, 300, 100), evaluation)  # 12: one more code may hide under 11
    assert flagged(ServiceLine("97110", 11, 300, 100), evaluation)
    assert flagged(ServiceLine("97110", 40, 300, 100))  # treatment without any evaluation row
    assert flagged(ServiceLine("92507", 40, 100, 100))  # untimed treatment alike
    assert not flagged(ServiceLine("97530", 40, 300, 100), ServiceLine("97168", 20, 20, 20))  # an OT re-evaluation


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
    # Among the OTHER Illinois PTs: a (2.0) vs {3.0, 4.0}: 0 below -> 0; b (3.0) vs {2.0, 4.0}: 1 of 2
    # below -> 50; d (4.0) vs {2.0, 3.0}: 2 of 2 -> 100. c is alone in Texas: no percentile at all.
    assert [r.get("timed_units_per_visit") for r in ranks] == [0.0, 50.0, None, 100.0]
    assert ranks[2] == {}


def test_peer_percentiles_leave_the_item_itself_out() -> None:
    values = [1.0, 2.0, 2.0, 3.0, 7.0]
    groups = ["x", "x", "x", "x", "y"]
    ranks = core.peer_percentiles(list(range(5)), lambda i: groups[i], lambda i: values[i])
    # 1.0 among {2, 2, 3}: 0 below -> 0
    # 2.0 among {1, 2, 3}: 1 below + half of 1 tie = 1.5 of 3 -> 50
    # 3.0 among {1, 2, 2}: 3 below -> 100
    # 7.0 alone in its group -> None
    assert ranks == [0.0, 50.0, 50.0, 100.0, None]


def _person(
    npi: str, visits: float, units: float, group_services: float, beneficiaries: int
) -> core.ClinicianIndicators:
    lines = [ServiceLine("97110", beneficiaries, units * visits, visits)]
    if group_services:
        lines.append(ServiceLine("97150", beneficiaries, group_services, group_services))
    return core.clinician_indicators(npi, "Physical Therapist in Private Practice", "IL", lines)


def test_clinic_rollup_adds_totals_then_divides_and_leaves_out_suppressed_clinicians() -> None:
    # A: 100 visits (97110 only: at most 100 too), 300 units, no group, 11 patients
    # B: 97110 600 units on 300 days + 97150 150 services on 150 days, 25 patients:
    #    visits 300 at least, 300 + 150 = 450 at most; services 750, group 150
    # C: only 5 patients: CMS would suppress, so it does not count.
    a = _person("a", 100, 3.0, 0, 11)
    b = _person("b", 300, 2.0, 150, 25)
    c = _person("c", 1_000, 1.0, 0, 5)
    clinic = core.roll_up([(a, 1.0), (b, 1.0), (c, 1.0)])
    assert clinic is not None
    assert (clinic.clinicians, clinic.shared_clinicians) == (2, 0)
    assert clinic.visits == 100 + 300
    assert clinic.visits_high == 100 + 450
    assert clinic.beneficiaries == 11 + 25
    assert b.group_share == pytest.approx(150 / 750)
    # ratios of the totals: units (300 + 600) over visits
    assert clinic.timed_units_per_visit == pytest.approx(900 / 400)  # 2.25
    assert clinic.timed_units_per_visit_low == pytest.approx(900 / 550)  # 1.6364
    # group services over services: 150 / (300 + 750) = 0.1429 (not the mean of 0 and 0.2)
    assert clinic.group_share == pytest.approx(150 / 1050)
    assert clinic.visits_per_beneficiary == pytest.approx(400 / 36)
    assert clinic.possibly_suppressed  # 11 patients, and no evaluation rows
    # at least floor(15 x 1.6364 - 7) = floor(17.55) = 17 minutes on average
    assert core.average_minutes_at_least(clinic.timed_units_per_visit_low) == 17


def test_a_clinician_shared_with_another_clinic_counts_by_their_share() -> None:
    # A on two rosters (share 1/2), B on this one only:
    #   visits 100 x 0.5 + 300 = 350; at most 100 x 0.5 + 450 = 500
    #   units 300 x 0.5 + 600 = 750; services 300 x 0.5 + 750 = 900; group 150
    #   patients 11 x 0.5 + 25 = 30.5, rounded half to even: 30
    a = _person("a", 100, 3.0, 0, 11)
    b = _person("b", 300, 2.0, 150, 25)
    clinic = core.roll_up([(a, 0.5), (b, 1.0)])
    assert clinic is not None
    assert (clinic.clinicians, clinic.shared_clinicians) == (2, 1)
    assert (clinic.visits, clinic.visits_high) == (350, 500)
    assert clinic.timed_units_per_visit == pytest.approx(750 / 350)
    assert clinic.timed_units_per_visit_low == pytest.approx(750 / 500)
    assert clinic.group_share == pytest.approx(150 / 900)
    assert clinic.beneficiaries == 31  # 0.5 x 11 + 25 = 30.5, rounded half up
    # a share of nothing is no member at all
    alone = core.roll_up([(a, 0.0), (b, 1.0)])
    assert alone is not None
    assert (alone.clinicians, alone.visits) == (1, 300)


def test_roster_shares_are_equal_among_distinct_clinics() -> None:
    shares = core.roster_shares({"a": [7, 9, 7], "b": [9], "c": [1, 2, 3, 4]})
    assert shares == {
        ("a", 7): 0.5,
        ("a", 9): 0.5,  # clinic 7 listed twice is one clinic
        ("b", 9): 1.0,
        ("c", 1): 0.25,
        ("c", 2): 0.25,
        ("c", 3): 0.25,
        ("c", 4): 0.25,
    }


def test_no_rollup_without_a_clinician_above_the_suppression_floor() -> None:
    assert core.roll_up([(_person("c", 1_000, 1.0, 0, 10), 1.0)]) is None
    assert core.roll_up([(_person("d", 1_000, 1.0, 0, 50), 0.0)]) is None  # shown, but no share here
    assert core.roll_up([]) is None


def test_quantiles_by_hand() -> None:
    result = core.distribution([4.0, 1.0, 3.0, 2.0])
    assert result is not None
    assert (result.count, result.first_quartile, result.median, result.third_quartile) == (4, 1.75, 2.5, 3.25)
    assert result.low == pytest.approx(1.3)
    assert result.high == pytest.approx(3.7)
    assert core.distribution([]) is None


def test_group_share_threshold_reads_as_about_half_of_visits() -> None:
    # The constant's reasoning: 3 timed units per visit and f group sessions per visit give a
    # group share s = f / (3 + f); s = 0.15 -> f = 3 x 0.15 / 0.85 = 0.53. By hand: 170 visits of
    # 3 units (510) and 90 group sessions: 90 / (510 + 90) = 0.15 of services, 90 / 170 = 0.53
    # of the fewest visits (group on days of timed care), 90 / (170 + 90) = 0.35 of the most.
    c = _person("g", 170, 3.0, 90, 40)
    assert c.group_share == pytest.approx(core.GROUP_SHARE_NOT_ONE_ON_ONE)
    assert c.group_services / c.visits == pytest.approx(0.53, abs=0.01)
    assert c.group_services / c.visits_high == pytest.approx(0.35, abs=0.01)
    assert _person("h", 170, 3.0, 0, 40).group_share == 0.0


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
    assert str(core.peer_words(percentile)) == words


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
            st.sampled_from([1.0, 1 / 2, 1 / 3, 1 / 4]),  # share of their work at this clinic
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_clinic_figure_lies_between_its_clinicians_figures(
    people: list[tuple[int, float, int, int, float]],
) -> None:
    members = [(_person(str(i), v, u, g, b), share) for i, (v, u, g, b, share) in enumerate(people)]
    clinic = core.roll_up(members)
    assert clinic is not None
    # totals over totals, each clinician weighted by their share: a mediant of their ratios
    for name in ("timed_units_per_visit", "timed_units_per_visit_low", "group_share"):
        values = [getattr(c, name) for c, _ in members]
        assert min(values) - 1e-9 <= getattr(clinic, name) <= max(values) + 1e-9
    if all(share == 1.0 for _, share in members):  # whole patients only: no rounding of shares
        values = [c.visits_per_beneficiary for c, _ in members]
        assert min(values) - 1e-9 <= clinic.visits_per_beneficiary <= max(values) + 1e-9
    assert clinic.visits == pytest.approx(sum(c.visits * share for c, share in members))
    assert clinic.visits <= clinic.visits_high
    assert clinic.shared_clinicians == sum(1 for _, share in members if share < 1)


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[core.ClinicianIndicators], dict[str, list[int]]]:
    """Clinicians with random claims, each on the rosters of 1-4 of six clinics (a clinic may
    be listed twice, as a duplicated roster link would be)."""
    people: list[core.ClinicianIndicators] = []
    links: dict[str, list[int]] = {}
    for i in range(draw(st.integers(min_value=1, max_value=12))):
        npi = f"n{i}"
        patients = draw(st.integers(min_value=1, max_value=500))  # some under 11: never shown
        lines = [ServiceLine("97110", patients, draw(st.floats(0, 20_000)), draw(st.floats(1, 5_000)))]
        for code in ("97140", "97150", "97161"):
            days = draw(st.floats(0, 3_000))
            if days > 0:
                lines.append(ServiceLine(code, patients, days * draw(st.floats(1, 4)), days))
        people.append(core.clinician_indicators(npi, "Physical Therapist in Private Practice", "IL", lines))
        links[npi] = draw(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=4))
    return people, links


@given(rosters())
def test_clinics_visits_add_up_to_their_therapists_visits(
    drawn: tuple[list[core.ClinicianIndicators], dict[str, list[int]]],
) -> None:
    people, links = drawn
    shares = core.roster_shares(links)
    by_npi = {c.npi: c for c in people}
    members: dict[int, list[tuple[core.ClinicianIndicators, float]]] = {}
    for (npi, clinic_id), share in shares.items():
        members.setdefault(clinic_id, []).append((by_npi[npi], share))
    clinics = [found for found in (core.roll_up(m) for m in members.values()) if found is not None]
    shown = [c for c in people if c.shown]
    for npi in links:
        assert sum(share for (who, _), share in shares.items() if who == npi) == pytest.approx(1.0)
    for name in ("visits", "visits_high", "timed_units", "services", "group_services"):
        clinics_total = sum(getattr(clinic, name) for clinic in clinics)
        assert clinics_total == pytest.approx(sum(getattr(c, name) for c in shown), rel=1e-9, abs=1e-6), name
    assert sum(clinic.visits for clinic in clinics) <= sum(clinic.visits_high for clinic in clinics) + 1e-6
