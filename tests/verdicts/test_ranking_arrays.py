"""The ranking of a results page, made with arrays over the directory index and measured
exactly only where it shows clinics, is the plain ranking: every clinic measured exactly and
sorted by the rule (``caretime.core.ranking.meets_bar_first``), page by page. And what it ranks
by follows every report filed, in the same process at once."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.geo import Point, within_radius
from caretime.core.ranking import meets_bar_first
from caretime.core.verdict import Bar, Status
from caretime.directory import search_cache
from caretime.directory.geo_index import GeoIndex
from caretime.directory.selectors import ClinicSearch
from caretime.shared.evidence_generation import EVIDENCE
from caretime.verdicts.selectors import Alternatives, alternatives_for, kept_alternatives, search_with_verdicts
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic

LINCOLN_PARK = Point(41.9214, -87.6513)
SPOTS = [(41.9227, -87.6533), (41.8837, -87.6289), (42.0451, -87.6877)]

# Clinics at shared spots (equal distances, ties by id), a hair apart from them (estimates
# too close to order), and anywhere in the region.
nudges = st.sampled_from([0.0, 1e-9, -1e-9, 3e-8, 1e-7])
spots = st.builds(lambda spot, dlat, dlon: (spot[0] + dlat, spot[1] + dlon), st.sampled_from(SPOTS), nudges, nudges)
anywhere = st.tuples(st.floats(min_value=41.0, max_value=43.0), st.floats(min_value=-89.0, max_value=-86.5))
clinics = st.lists(st.tuples(st.one_of(spots, anywhere), st.sampled_from(list(Status))), max_size=60)
centers = st.one_of(
    st.sampled_from([Point(*spot) for spot in SPOTS]),
    st.builds(Point, st.floats(min_value=41.5, max_value=42.5), st.floats(min_value=-88.5, max_value=-87.0)),
)


def index_of(points: list[tuple[float, float]]) -> GeoIndex:
    """An index of these clinics (ids 1, 2, ...), as ``build_geo_index`` lays it out."""
    found = np.array([(lat, lon, clinic_id) for clinic_id, (lat, lon) in enumerate(points, start=1)]).reshape(-1, 3)
    order = np.lexsort((found[:, 2], found[:, 0]))
    ids = found[order, 2].astype(np.int64)
    rows_by_id = np.argsort(ids).astype(np.int64)
    empty = np.zeros(0, dtype=np.int64)
    return GeoIndex(
        generation=1,
        ids=ids,
        latitudes=found[order, 0].astype(np.float64),
        longitudes=found[order, 1].astype(np.float64),
        offers={},
        plan_rows={},
        plans=(),
        plan_starts=np.zeros(len(ids) + 1, dtype=np.int64),
        plan_codes=empty,
        ids_by_id=ids[rows_by_id],
        rows_by_id=rows_by_id,
    )


@settings(max_examples=300, deadline=None)
@given(
    clinics,
    centers,
    st.floats(min_value=0.0, max_value=60.0),
    st.booleans(),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=25),
)
def test_the_ranking_in_arrays_is_the_plain_ranking_page_by_page(
    found: list[tuple[tuple[float, float], Status]],
    center: Point,
    radius: float,
    only_meeting: bool,
    page: int,
    page_size: int,
) -> None:
    status = {clinic_id: s for clinic_id, (_, s) in enumerate(found, start=1)}
    points = ((clinic_id, lat, lon) for clinic_id, ((lat, lon), _) in enumerate(found, start=1))
    plain = sorted(
        (
            (status[clinic_id], miles, clinic_id)
            for miles, clinic_id in within_radius(center, radius, points)
            if not only_meeting or status[clinic_id] == Status.MEETS_BAR
        ),
        key=lambda clinic: meets_bar_first(*clinic),
    )

    index = index_of([point for point, _ in found])
    rows, estimates = index.estimated_within(center, radius)
    meets = np.array([status[int(clinic_id)] == Status.MEETS_BAR for clinic_id in index.ids[rows]], dtype=np.bool_)
    if only_meeting:
        rows, estimates, meets = rows[meets], estimates[meets], meets[meets]
    groups = (~meets).astype(np.int64)
    order = np.lexsort((index.ids[rows], estimates, groups))
    offset = (page - 1) * page_size
    shown = index.ranked_slice(center, rows[order], estimates[order], groups[order], offset=offset, limit=page_size)

    assert len(rows) == len(plain)
    assert int(np.count_nonzero(meets)) == sum(1 for s, _, _ in plain if s == Status.MEETS_BAR)
    # The same clinics in the same order, at the same distances to the last bit.
    assert [(miles, clinic_id) for miles, clinic_id, _ in shown] == [
        (miles, clinic_id) for _, miles, clinic_id in plain[offset : offset + page_size]
    ]
    assert all(int(index.ids[row]) == clinic_id for _, clinic_id, row in shown)


@pytest.mark.django_db
def test_the_next_results_page_sees_a_report_filed_in_this_process() -> None:
    near = make_clinic("Near PT", latitude=LINCOLN_PARK.latitude + 0.1 / 69, longitude=LINCOLN_PARK.longitude)
    far = make_clinic("Far PT", latitude=LINCOLN_PARK.latitude + 3 / 69, longitude=LINCOLN_PARK.longitude)
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline="pt")
    today = timezone.now().date()

    def page() -> list[tuple[str, Status]]:
        found = search_with_verdicts(search, bar=Bar(45), as_of=today)
        return [(hit.clinic.name, hit.verdicts[0].assessment.status) for hit in found.hits]

    def alternatives(origin: tuple[Point, str] | None = None) -> Alternatives:
        return alternatives_for(clinic=near, discipline="pt", bar=Bar(45), radius_miles=25, as_of=today, origin=origin)

    assert page() == [("Near PT", Status.NOT_ENOUGH_KNOWN), ("Far PT", Status.NOT_ENOUGH_KNOWN)]
    assert alternatives().items == ()
    add_call(far, ONE_ON_ONE)  # through caretime.verdicts.actions, as the report form files it
    assert page() == [("Far PT", Status.MEETS_BAR), ("Near PT", Status.NOT_ENOUGH_KNOWN)]
    assert search_with_verdicts(search, bar=Bar(45), as_of=today, only_meeting=True).meeting == 1
    # The clinic page's alternatives read the same mirror of the sums. Measured from the
    # clinic, they are kept by this worker and asked again are the same; measured from a
    # person's place, they are made afresh and nothing of the place is kept.
    kept = alternatives()
    assert [item.clinic.name for item in kept.items] == ["Far PT"]
    assert alternatives() is kept
    from_place = alternatives((LINCOLN_PARK, "Chicago, IL 60614"))
    assert [item.clinic.name for item in from_place.items] == ["Far PT"]
    assert alternatives((LINCOLN_PARK, "Chicago, IL 60614")) is not from_place
    assert "60614" not in repr(kept_alternatives.items())
    add_call(far, MILL)
    add_call(far, MILL)
    assert page()[0] != ("Far PT", Status.MEETS_BAR)
    assert alternatives().items == ()


@pytest.mark.django_db
def test_a_report_filed_by_another_process_is_seen_once_the_evidence_generation_is_read_again() -> None:
    clinic = make_clinic("Near PT", latitude=LINCOLN_PARK.latitude, longitude=LINCOLN_PARK.longitude)
    search = ClinicSearch(center=LINCOLN_PARK, radius_miles=25, discipline="pt")
    today = timezone.now().date()
    assert search_with_verdicts(search, bar=Bar(45), as_of=today).meeting == 0
    generation = EVIDENCE.current()
    add_call(clinic, ONE_ON_ONE)
    # As if the report had been filed by another worker: this process still holds the old
    # reading of the generation, and keeps answering from what it read, until it reads again.
    EVIDENCE._seen.update(generation=generation)
    assert search_with_verdicts(search, bar=Bar(45), as_of=today).meeting == 0
    assert cache.get(EVIDENCE.key) > generation
    search_cache.forget_generations()  # as when GENERATION_RECHECK_SECONDS have passed
    assert search_with_verdicts(search, bar=Bar(45), as_of=today).meeting == 1
