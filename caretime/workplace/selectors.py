"""Reads of the published workplace figures: for pages, the API, the employer search, and the
verdict's one evidence path (``caretime.verdicts.evidence``). Only ``WorkplaceFigures`` rows
are read, never the reports themselves, so nothing waiting for a batch can show."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from caretime.core.evidence import Evidence, EvidenceKey
from caretime.core.geo import Point, bounding_box, distance_miles
from caretime.core.workplace import EmployerSort, WorkplaceFigures, employer_rank, workplace_evidence
from caretime.directory.clinic_rows import clinic_models
from caretime.directory.models import Clinic, in_box
from caretime.workplace.models import WorkplaceFigures as FiguresRow


@dataclass(frozen=True)
class Workplace:
    """What clinicians reported about one clinic and therapy: reports with an NPI on the
    clinic's roster and all others are separate populations, each shown only once published
    (5 or more reports about one year); of each, the newest year's figures."""

    on_roster: WorkplaceFigures | None = None
    others: WorkplaceFigures | None = None

    @property
    def populations(self) -> tuple[WorkplaceFigures, ...]:
        return tuple(f for f in (self.on_roster, self.others) if f is not None)


def _rows(discipline: str | None) -> QuerySet[FiguresRow]:
    rows = FiguresRow.objects.all()
    return rows.filter(discipline=discipline) if discipline else rows


# Both populations' figures of a few clinics, a newer year's after an older one's (compiled
# once, ``caretime.directory.clinic_rows``): a clinic's page shows them and judges from the
# evidence of those on the roster, one read for both.
figure_rows = clinic_models(FiguresRow, lambda discipline: _rows(discipline).order_by("experience_year", "id"))


def workplaces_of(rows: Iterable[FiguresRow]) -> dict[EvidenceKey, Workplace]:
    found: dict[EvidenceKey, Workplace] = {}
    for row in rows:  # a newer year's figures replace an older one's
        key = (row.clinic_id, row.discipline)
        current = found.get(key, Workplace())
        if row.npi_on_roster:
            found[key] = Workplace(on_roster=row.figures, others=current.others)
        else:
            found[key] = Workplace(on_roster=current.on_roster, others=row.figures)
    return found


def worker_evidence_of(rows: Iterable[FiguresRow]) -> dict[EvidenceKey, list[Evidence]]:
    """Only the figures of reports with an NPI on the clinic's roster are evidence."""
    found: dict[EvidenceKey, list[Evidence]] = {}
    for row in rows:
        item = workplace_evidence(row.figures) if row.npi_on_roster else None
        if item is not None:
            found.setdefault((row.clinic_id, row.discipline), []).append(item)
    return found


def workplaces(clinic_ids: Sequence[int], discipline: str | None = None) -> dict[EvidenceKey, Workplace]:
    """The published figures of a few clinics; a clinic and therapy without any has no entry."""
    return workplaces_of(figure_rows(clinic_ids, discipline))


@dataclass(frozen=True)
class Employer:
    clinic: Clinic
    distance_miles: float
    figures: WorkplaceFigures


@dataclass(frozen=True)
class EmployerSearch:
    employers: list[Employer]  # the good ones first
    without_figures: int  # clinics of that therapy in the radius with nothing published yet


def employers_near(
    point: Point, radius_miles: float, discipline: str, sort: EmployerSort = EmployerSort.DENSITY
) -> EmployerSearch:
    """Clinics of one therapy within the radius that have published workplace figures, the
    best workplaces first by ``sort``; where a clinic has several, the figures of reports with an
    NPI on its roster are preferred, then the newest year."""
    box = bounding_box(point, radius_miles)
    rows = _rows(discipline).filter(in_box(box, via="clinic__"), clinic__is_active=True).select_related("clinic")
    best: dict[int, tuple[FiguresRow, float]] = {}
    for row in rows.order_by("npi_on_roster", "experience_year"):  # the preferred one comes last
        distance = distance_miles(point, row.clinic.point)
        if distance > radius_miles:
            continue
        best[row.clinic_id] = (row, distance)
    employers = [Employer(row.clinic, distance, row.figures) for row, distance in best.values()]
    employers.sort(key=lambda e: (employer_rank(e.figures, sort), e.distance_miles, e.clinic.pk))
    in_radius = sum(
        1
        for latitude, longitude in Clinic.objects.active()
        .in_box(box)
        .offering(discipline)
        .values_list("latitude", "longitude")
        if distance_miles(point, Point(latitude, longitude)) <= radius_miles
    )
    return EmployerSearch(employers=employers, without_figures=max(in_radius - len(employers), 0))
