"""Each process's index of the active clinics: where they are, what they offer, which
insurance they take, so that a radius search runs no candidate query.

The index is built from the database once per directory *generation*
(``caretime.directory.search_cache``): the importers, the demo builder and a restore start a
new generation when they change clinics, and so does saving a clinic, a service or a
clinic's insurance through the ORM (the receivers at the end of this module). Other processes
notice a new generation within ``GENERATION_RECHECK_SECONDS`` and rebuild their index on
their next search; gunicorn builds it as each worker starts (``deploy/gunicorn.conf.py``).
Rows deleted or changed with ``QuerySet.update()`` outside those paths are seen with the
next generation.

Results are exactly those of the SQL box query plus the exact great-circle distance
(``caretime.directory.selectors.clinics_within_queried``, a property test compares them):
numpy narrows the rows to the same latitude/longitude box and estimates the distances;
every distance returned, and every decision the estimate cannot settle (a clinic within
``ESTIMATE_TOLERANCE_MILES`` of the radius, the order of clinics whose estimates lie that
close together), is made with ``caretime.core.geo.within_radius``.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import DatabaseError, models
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_save

from caretime.core.geo import EARTH_RADIUS_MILES, Point, bounding_box, within_radius
from caretime.directory.models import Clinic, ClinicService, DisciplineChoices, InsurancePlan
from caretime.directory.search_cache import directory_changed, directory_generation

# numpy's sin, cos and arcsin may differ from the C library's (which ``within_radius`` uses)
# in the last bits: a few 1e-15 of a distance of at most a few thousand miles. Estimates are
# trusted only this far apart (about 2 mm), a billion times that error.
ESTIMATE_TOLERANCE_MILES = 1e-6

logger = logging.getLogger(__name__)

DISCIPLINES = tuple(choice.value for choice in DisciplineChoices)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class _FromIndex(QuerySet[Any]):
    """A clinic's services or plans as the index holds them, in the place of a prefetch.

    Read as they are (iterated, counted, indexed); a query made from them (``filter`` and the
    like) would not be limited to their clinic, so it is refused rather than answered wrongly.
    """

    def _chain(self) -> QuerySet[Any]:
        raise TypeError("Rows of the directory index: read them, or query the model itself.")


def _from_index(model: type[models.Model], rows: list[Any]) -> _FromIndex:
    found = _FromIndex(model=model)
    found._result_cache = rows
    found._prefetch_done = True  # type: ignore[attr-defined]  # Django's own mark of a prefetch (not in the stubs)
    return found


def estimated_miles(center: Point, latitudes: FloatArray, longitudes: FloatArray) -> FloatArray:
    """The haversine of ``caretime.core.geo`` in numpy: within ``ESTIMATE_TOLERANCE_MILES`` of
    it, not always equal to it."""
    lat1 = math.radians(center.latitude)
    lat2 = np.radians(latitudes)
    dlon = np.radians(longitudes - center.longitude)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    miles: FloatArray = 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return miles


def ranked_order(ids: IntArray, estimates: FloatArray, groups: IntArray | None = None) -> IntArray:
    """The order of ``np.lexsort((ids, estimates, groups))`` (by group, then estimate, then
    id; ``ids`` unique), from one sort of integers: each row's key is its group, the rank of its
    estimate among the distinct estimates and its id, packed into one number. lexsort sorts
    stably key after key, which was most of the cost of ranking a radius (about 300 µs for
    2,800 clinics, against some 70 this way). Equal estimates share a rank, so clinics at one
    address come in the order of their ids, as there."""
    count = len(ids)
    if count < 2:
        return np.arange(count, dtype=np.int64)
    by_estimate = np.argsort(estimates)
    sorted_estimates = estimates[by_estimate]
    distinct = np.empty(count, dtype=np.int64)
    distinct[0] = 0
    np.cumsum(sorted_estimates[1:] != sorted_estimates[:-1], out=distinct[1:])
    ranks = np.empty(count, dtype=np.int64)
    ranks[by_estimate] = distinct
    # In 64 bits whatever the arrays came in (the alternatives' groups are ranks of 8 bits).
    group_ranks = np.zeros(count, dtype=np.int64) if groups is None else groups.astype(np.int64) - int(groups.min())
    id_ranks = ids.astype(np.int64) - int(ids.min())
    id_span, rank_span = int(id_ranks.max()) + 1, int(distinct[-1]) + 1
    if (int(group_ranks.max()) + 1) * rank_span * id_span >= 2**62:  # would not fit: rows beyond any radius
        return np.lexsort((ids, estimates) if groups is None else (ids, estimates, groups))
    keys = (group_ranks * rank_span + ranks) * id_span + id_ranks
    order: IntArray = np.argsort(keys)  # unique keys: any sort gives the one order
    return order


@dataclass(frozen=True)
class GeoIndex:
    """The active clinics of one directory generation, in rows sorted by latitude."""

    generation: int
    ids: IntArray
    latitudes: FloatArray
    longitudes: FloatArray
    offers: dict[str, BoolArray]  # discipline code -> which rows offer it
    plan_rows: dict[str, IntArray]  # plan slug -> the rows that accept it, ascending
    plans: tuple[InsurancePlan, ...]  # every plan, in the listing's order (curated first, then by name)
    plan_starts: IntArray  # the plans of row r: plan_codes[plan_starts[r]:plan_starts[r + 1]]
    plan_codes: IntArray  # positions in ``plans``, ascending, so in the listing's order
    ids_by_id: IntArray  # the ids in ascending order, and the row of each
    rows_by_id: IntArray
    # The clinics pages have listed, as ``selectors.clinics_for_listing`` read them: a
    # listing changes only with the directory generation, so a clinic is read once per index.
    listed: dict[int, Clinic] = field(default_factory=dict, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    def _rows_in_box(
        self, center: Point, radius_miles: float, discipline: str | None, insurance: str | None
    ) -> IntArray:
        """The rows inside the search box that pass the filters: those the SQL query finds."""
        box = bounding_box(center, radius_miles)
        start = int(np.searchsorted(self.latitudes, box.min_latitude, side="left"))
        stop = int(np.searchsorted(self.latitudes, box.max_latitude, side="right"))
        longitudes = self.longitudes[start:stop]
        keep = (longitudes >= box.min_longitude) & (longitudes <= box.max_longitude)
        if discipline is not None:
            offered = self.offers.get(discipline)
            if offered is None:  # no clinic offers a therapy the directory does not know
                return np.zeros(0, dtype=np.int64)
            keep &= offered[start:stop]
        rows = np.flatnonzero(keep).astype(np.int64) + start
        if insurance is not None:
            accepting = self.plan_rows.get(insurance)
            if accepting is None or not len(accepting):
                return rows[:0]
            at = np.minimum(np.searchsorted(accepting, rows), len(accepting) - 1)
            rows = rows[accepting[at] == rows]
        return rows

    def _exact(self, center: Point, rows: Iterable[int]) -> list[tuple[float, int]]:
        """``(miles, clinic id)`` by ``within_radius``'s arithmetic, nearest first, ties by id."""
        ids, latitudes, longitudes = self.ids, self.latitudes, self.longitudes
        points = ((int(ids[r]), float(latitudes[r]), float(longitudes[r])) for r in rows)
        return within_radius(center, math.inf, points)

    def _within_rows(
        self, center: Point, radius_miles: float, discipline: str | None, insurance: str | None
    ) -> tuple[IntArray, FloatArray]:
        """The rows within the radius, exactly, with their estimated distances."""
        rows = self._rows_in_box(center, radius_miles, discipline, insurance)
        estimates = estimated_miles(center, self.latitudes[rows], self.longitudes[rows])
        near = estimates <= radius_miles + ESTIMATE_TOLERANCE_MILES
        rows, estimates = rows[near], estimates[near]
        unsure = np.flatnonzero(estimates > radius_miles - ESTIMATE_TOLERANCE_MILES)
        if len(unsure):
            inside = {clinic_id for miles, clinic_id in self._exact(center, rows[unsure]) if miles <= radius_miles}
            out = [i for i in unsure if int(self.ids[rows[i]]) not in inside]
            rows, estimates = np.delete(rows, out), np.delete(estimates, out)
        return rows, estimates

    def estimated_within(
        self, center: Point, radius_miles: float, *, discipline: str | None = None, insurance: str | None = None
    ) -> tuple[IntArray, FloatArray]:
        """The rows of every clinic within the radius (exactly those of ``within``), in the
        index's order, with their estimated distances: what a ranking orders before it measures
        the few clinics it shows (``ranked_slice``)."""
        return self._within_rows(center, radius_miles, discipline, insurance)

    def ranked_slice(
        self, center: Point, rows: IntArray, estimates: FloatArray, groups: IntArray, *, offset: int, limit: int
    ) -> list[tuple[float, int, int]]:
        """``(miles, clinic id, row)`` of the rows ranked ``offset`` to ``offset + limit`` in the
        order (group, exact miles, clinic id), with the exact distances of ``within``.

        ``rows`` (with their estimates and groups) come in the order of
        ``ranked_order(ids[rows], estimates, groups)``. That order is already right except among
        neighbours of a group whose estimates lie within twice the tolerance of each other:
        only the stretches around the slice are measured exactly and put in order (as ``page``
        does), so a slice costs the same whatever the number of rows.
        """
        total = len(rows)
        if offset >= total or limit < 1:
            return []
        first, last = offset, min(offset + limit, total) - 1
        apart = (np.diff(estimates) > 2 * ESTIMATE_TOLERANCE_MILES) | (np.diff(groups) != 0)
        cuts = np.flatnonzero(apart) + 1
        before = int(np.searchsorted(cuts, first, side="right")) - 1
        start = int(cuts[before]) if before >= 0 else 0
        after = int(np.searchsorted(cuts, last, side="right"))
        stop = int(cuts[after]) if after < len(cuts) else total
        stretch = rows[start:stop]
        group_of = dict(zip(stretch.tolist(), groups[start:stop].tolist(), strict=True))
        points = ((int(r), float(self.latitudes[r]), float(self.longitudes[r])) for r in stretch)
        measured = [(miles, int(self.ids[row]), row) for miles, row in within_radius(center, math.inf, points)]
        measured.sort(key=lambda found: (group_of[found[2]], found[0], found[1]))
        return measured[first - start : last - start + 1]

    def within(
        self, center: Point, radius_miles: float, *, discipline: str | None = None, insurance: str | None = None
    ) -> list[tuple[float, int]]:
        """``(miles, clinic id)`` of every clinic within the radius, nearest first, ties by id."""
        rows, _ = self._within_rows(center, radius_miles, discipline, insurance)
        return self._exact(center, rows)

    def page(
        self,
        center: Point,
        radius_miles: float,
        *,
        offset: int,
        limit: int,
        discipline: str | None = None,
        insurance: str | None = None,
    ) -> tuple[int, list[tuple[float, int]]]:
        """How many clinics are within the radius, and ``within(...)[offset:offset + limit]``.

        Only the clinics on the page, and those whose estimates are too close to theirs to
        tell the order apart, are measured exactly: a page costs the same whatever the
        number of clinics in the radius.
        """
        rows, estimates = self._within_rows(center, radius_miles, discipline, insurance)
        total = len(rows)
        if offset >= total or limit < 1:
            return total, []
        order = ranked_order(self.ids[rows], estimates)
        ranked = estimates[order]
        first, last = offset, min(offset + limit, total) - 1
        # Where two neighbouring estimates are further apart than twice the tolerance, the
        # exact distances are in the same order: cut there, measure what lies between.
        cuts = np.flatnonzero(np.diff(ranked) > 2 * ESTIMATE_TOLERANCE_MILES) + 1
        before = int(np.searchsorted(cuts, first, side="right")) - 1
        start = int(cuts[before]) if before >= 0 else 0
        after = int(np.searchsorted(cuts, last, side="right"))
        stop = int(cuts[after]) if after < len(cuts) else total
        exact = self._exact(center, rows[order[start:stop]])
        return total, exact[first - start : last - start + 1]

    def add_listing_details(self, clinics: Iterable[Clinic]) -> None:
        """Give each clinic its services and insurance plans from the index, as
        ``selectors.with_listing_details`` would prefetch them, without a query.

        Building those rows as model instances, with a query each, was most of the cost of a
        page of results; the plan instances are shared by every clinic of this index (read only).
        """
        for clinic in clinics:
            services = [
                ClinicService(clinic_id=clinic.pk, discipline=code) for code in sorted(self.disciplines_of(clinic.pk))
            ]
            clinic._prefetched_objects_cache = {  # type: ignore[attr-defined]  # where prefetch_related puts them
                "services": _from_index(ClinicService, services),
                "insurance_plans": _from_index(InsurancePlan, self.plans_of(clinic.pk)),
            }

    def _row(self, clinic_id: int) -> int | None:
        row = int(_rows_of(self.ids_by_id, self.rows_by_id, np.array([clinic_id], dtype=np.int64))[0])
        return row if row >= 0 else None

    def offered(self, clinic_ids: Sequence[int]) -> dict[int, list[str]]:
        """The therapies each clinic offers, in the listing's order (``disciplines_of`` for many
        clinics at once); a clinic not in the index offers none."""
        ids = np.asarray(clinic_ids, dtype=np.int64)
        rows = _rows_of(self.ids_by_id, self.rows_by_id, ids)
        listed = rows >= 0
        found: dict[int, list[str]] = {clinic_id: [] for clinic_id in ids.tolist()}
        for code in DISCIPLINES:
            offering = np.zeros(len(ids), dtype=np.bool_)
            offering[listed] = self.offers[code][rows[listed]]
            for clinic_id in ids[offering].tolist():
                found[clinic_id].append(code)
        return found

    def disciplines_of(self, clinic_id: int) -> list[str]:
        """The therapies the clinic offers, in the listing's order; none for an inactive clinic."""
        row = self._row(clinic_id)
        return [] if row is None else [code for code in DISCIPLINES if self.offers[code][row]]

    def plans_of(self, clinic_id: int) -> list[InsurancePlan]:
        """The clinic's plans in the listing's order."""
        row = self._row(clinic_id)
        if row is None:
            return []
        codes = self.plan_codes[self.plan_starts[row] : self.plan_starts[row + 1]]
        return [self.plans[int(code)] for code in codes.tolist()]


def _rows_of(ids_by_id: IntArray, rows_by_id: IntArray, clinic_ids: IntArray) -> IntArray:
    """The rows of ``clinic_ids``; -1 for a clinic not in the index (an inactive one)."""
    if not len(ids_by_id):
        return np.full(len(clinic_ids), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(ids_by_id, clinic_ids), len(ids_by_id) - 1)
    return np.where(ids_by_id[at] == clinic_ids, rows_by_id[at], -1)


def _pairs(rows: Iterable[tuple[int, int]]) -> IntArray:
    pairs: IntArray = np.array(list(rows), dtype=np.int64).reshape(-1, 2)
    return pairs


def build_geo_index(generation: int) -> GeoIndex:
    """Read the active clinics, their services and their insurance (four queries)."""
    found = np.array(list(Clinic.objects.active().order_by().values_list("latitude", "longitude", "id")))
    found = found.reshape(-1, 3)
    order = np.lexsort((found[:, 2], found[:, 0]))  # by latitude, then id
    latitudes = found[order, 0].astype(np.float64)
    longitudes = found[order, 1].astype(np.float64)
    ids = found[order, 2].astype(np.int64)
    rows_by_id = np.argsort(ids).astype(np.int64)
    ids_by_id = ids[rows_by_id]

    position = {code: index for index, code in enumerate(DISCIPLINES)}
    services = _pairs(
        (clinic_id, position[code])
        for clinic_id, code in ClinicService.objects.order_by().values_list("clinic_id", "discipline")
        if code in position
    )
    service_rows = _rows_of(ids_by_id, rows_by_id, services[:, 0])
    offers = {}
    for index, code in enumerate(DISCIPLINES):
        offered = np.zeros(len(ids), dtype=np.bool_)
        offered[service_rows[(services[:, 1] == index) & (service_rows >= 0)]] = True
        offers[code] = offered

    plans = tuple(InsurancePlan.objects.order_by("-is_curated", "name", "id"))
    plan_position = {plan.pk: index for index, plan in enumerate(plans)}
    accepted = _pairs(
        (clinic_id, plan_position[plan_id])
        for clinic_id, plan_id in Clinic.insurance_plans.through.objects.order_by().values_list(
            "clinic_id", "insuranceplan_id"
        )
    )
    accepted[:, 0] = _rows_of(ids_by_id, rows_by_id, accepted[:, 0])
    accepted = accepted[accepted[:, 0] >= 0]
    by_row = accepted[np.lexsort((accepted[:, 1], accepted[:, 0]))]
    by_plan = accepted[np.lexsort((accepted[:, 0], accepted[:, 1]))]
    plan_bounds = np.searchsorted(by_plan[:, 1], np.arange(len(plans) + 1))
    return GeoIndex(
        generation=generation,
        ids=ids,
        latitudes=latitudes,
        longitudes=longitudes,
        offers=offers,
        plan_rows={plan.slug: by_plan[plan_bounds[i] : plan_bounds[i + 1], 0] for i, plan in enumerate(plans)},
        plans=plans,
        plan_starts=np.searchsorted(by_row[:, 0], np.arange(len(ids) + 1)).astype(np.int64),
        plan_codes=by_row[:, 1].copy(),
        ids_by_id=ids_by_id,
        rows_by_id=rows_by_id,
    )


_current: list[GeoIndex] = []  # this process's index, once built
_building = threading.Lock()  # the development server and live-server tests run threads


def geo_index() -> GeoIndex:
    """This process's index of the current directory generation (built if it is older)."""
    generation = directory_generation()
    if _current and _current[0].generation == generation:
        return _current[0]
    with _building:
        if not (_current and _current[0].generation == generation):
            _current[:] = [build_geo_index(generation)]
        return _current[0]


def forget_geo_index() -> None:
    """Drop this process's index; the next search builds it again (for tests, whose database
    is emptied under a generation that stays)."""
    _current.clear()


def warm_geo_index() -> None:
    """Build the index now; gunicorn calls this as each worker starts, so no one's
    first search waits for it. A database not ready yet (not migrated, say) only logs: the
    first search builds the index then."""
    try:
        geo_index()
    except DatabaseError as error:
        logger.warning("The directory index was not built at start: %s", error)


# Saving through the ORM starts a new generation (here and, through the shared cache, in
# every other process). Deletions are left out on purpose: a delete receiver would make
# Django fetch and signal every row of the importers' and the demo builder's bulk deletes,
# and those start a new generation when they are done.
def _directory_saved(**kwargs: Any) -> None:
    if kwargs.get("raw") or kwargs.get("action", "post_").startswith("pre_"):  # fixtures; before the m2m change
        return
    directory_changed()


post_save.connect(_directory_saved, sender=Clinic, dispatch_uid="geo_index_clinic_saved")
post_save.connect(_directory_saved, sender=ClinicService, dispatch_uid="geo_index_service_saved")
post_save.connect(_directory_saved, sender=InsurancePlan, dispatch_uid="geo_index_plan_saved")
m2m_changed.connect(_directory_saved, sender=Clinic.insurance_plans.through, dispatch_uid="geo_index_plans_changed")
