"""The order of search results: clinics that meet the person's bar first, then every other
clinic; nearest first within each. The rule (``caretime.core.ranking``) for any mix of
verdicts and distances, and the ranking of a real search by it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from caretime.core.geo import Point
from caretime.core.ranking import meets_bar_first
from caretime.core.verdict import Bar, Status
from caretime.directory.models import Clinic
from caretime.directory.selectors import ClinicSearch
from caretime.verdicts.selectors import rank_clinics
from tests.answers import MIDDLING, MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic

LINCOLN_PARK = Point(41.9214, -87.6513)

clinics = st.lists(
    st.tuples(st.sampled_from(Status), st.floats(min_value=0, max_value=100, allow_nan=False)),
    max_size=30,
)


@given(clinics)
def test_every_clinic_that_meets_the_bar_comes_before_every_other_nearest_first_in_each(
    found: list[tuple[Status, float]],
) -> None:
    ranked = sorted(
        ((status, miles, clinic_id) for clinic_id, (status, miles) in enumerate(found)),
        key=lambda c: meets_bar_first(*c),
    )
    meeting = [c for c in ranked if c[0] == Status.MEETS_BAR]
    others = [c for c in ranked if c[0] != Status.MEETS_BAR]
    assert ranked == meeting + others
    for group in (meeting, others):
        distances = [miles for _, miles, _ in group]
        assert distances == sorted(distances)
    assert sorted(ranked) == sorted((status, miles, cid) for cid, (status, miles) in enumerate(found))


def test_a_mill_next_door_does_not_outrank_a_good_clinic_farther_away() -> None:
    mill, good = (Status.MILL_SIGNS, 0.2, 1), (Status.MEETS_BAR, 9.5, 2)
    unknown = (Status.NOT_ENOUGH_KNOWN, 0.1, 3)
    assert sorted([mill, good, unknown], key=lambda c: meets_bar_first(*c)) == [good, unknown, mill]


@pytest.mark.django_db
def test_a_search_ranks_by_the_persons_bar_and_keeps_only_those_that_meet_it_when_asked() -> None:
    def near(name: str, miles_north: float) -> Clinic:
        return make_clinic(name, latitude=LINCOLN_PARK.latitude + miles_north / 69, longitude=LINCOLN_PARK.longitude)

    mill, middling, silent, good = near("Mill", 0.1), near("Middling", 0.5), near("Silent", 1), near("Good", 3)
    add_call(mill, MILL)
    add_call(middling, MIDDLING)  # one-on-one every visit for 40 minutes
    add_call(good, ONE_ON_ONE)
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline="pt")
    today = timezone.now().date()

    def order(bar: Bar, *, only_meeting: bool = False) -> list[int]:
        return [r.clinic_id for r in rank_clinics(search, bar=bar, as_of=today, only_meeting=only_meeting).ranked]

    assert order(Bar(45)) == [good.pk, mill.pk, middling.pk, silent.pk]
    assert order(Bar(40)) == [middling.pk, good.pk, mill.pk, silent.pk]
    assert order(Bar(40), only_meeting=True) == [middling.pk, good.pk]
    assert order(Bar(60), only_meeting=True) == []
    # A call more than two years old no longer decides on its own: the good clinic drops back.
    later = today + timedelta(days=3 * 365)
    stale = [r.clinic_id for r in rank_clinics(search, bar=Bar(45), as_of=later).ranked]
    assert stale == [mill.pk, middling.pk, silent.pk, good.pk]
