"""Reads of reports: the evidence call and visit reports give the verdict, what clinics
said, and the Care Time profiles.

Only reports whose standing counts (``caretime.core.evidence.COUNTING``) are read, as plain
tuples in one query per call, by clinic ids (a page) or by search box (a whole radius); visit
reports from people connected to the clinic never. Pages get this evidence through
``caretime.verdicts.evidence``, never from here directly. Profiles are read from their
stored sums, one row per clinic and therapy, never from the reports.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import translation

from caretime.core import wording
from caretime.core.calls import CARE_LABELS, FOLLOW_UP_LABELS, VISITS_LABELS, Care, FollowUpBy, Visits, call_evidence
from caretime.core.care_time import CareTimeProfile, CareTimeSums, care_time_profile
from caretime.core.evidence import COUNTING, MIN_PEOPLE_FOR_A_FIGURE, Evidence, EvidenceKey, Standing
from caretime.core.kept import Kept
from caretime.core.verdict import DEFAULT_BAR_MINUTES, SHORT_MINUTES
from caretime.directory.clinic_rows import ClinicRead, Row, clinic_rows
from caretime.reports.models import (
    EVIDENCE_COLUMNS,
    NATIONAL,
    VISIT_COLUMNS,
    CallReport,
    ClinicCareTime,
    RegionCareTime,
    VisitReport,
    answers_from_row,
    person_key,
    visit_evidence_from_row,
)
from caretime.shared.evidence_generation import EVIDENCE


def _counted(discipline: str | None) -> QuerySet[CallReport]:
    reports = CallReport.objects.filter(standing__in=[s.value for s in COUNTING])
    return reports.filter(discipline=discipline) if discipline else reports


def _rows_by_key(rows: Iterable[tuple[object, ...]]) -> dict[EvidenceKey, list[tuple[object, ...]]]:
    found: dict[EvidenceKey, list[tuple[object, ...]]] = {}
    for row in rows:
        clinic_id, discipline = row[0], row[1]
        if not isinstance(clinic_id, int):
            raise TypeError(f"expected a int, got {clinic_id!r}")
        if not isinstance(discipline, str):
            raise TypeError(f"expected a str, got {discipline!r}")
        found.setdefault((clinic_id, discipline), []).append(row[2:])
    return found


def _call_evidence(row: tuple[object, ...]) -> Evidence:
    """From (account id, *EVIDENCE_COLUMNS): a signed-in caller's calls are one person."""
    account_id, *columns = row
    called_in, answers = answers_from_row(tuple(columns))
    return call_evidence(answers, called_in=called_in, person=person_key(account_id))  # type: ignore[arg-type]


# The counted calls' rows of a few clinics, compiled once (``caretime.directory.clinic_rows``).
counted_call_rows = clinic_rows(
    lambda discipline: _counted(discipline).values_list("clinic_id", "discipline", "account_id", *EVIDENCE_COLUMNS)
)


def call_evidence_of(rows: Iterable[tuple[object, ...]]) -> dict[EvidenceKey, list[Evidence]]:
    """From (clinic id, therapy, account id, *EVIDENCE_COLUMNS) rows."""
    # Calls that got the same answers in the same month make equal items (anonymous ones, or
    # one account's): each is made once, and the verdict rule remembers what it read of it
    # (``caretime.core.verdict``), which most of a rebuild of the stored sums is.
    made: dict[tuple[object, ...], Evidence] = {}
    found: dict[EvidenceKey, list[Evidence]] = {}
    for key, columns in _rows_by_key(rows).items():
        items = found[key] = []
        for row in columns:
            item = made.get(row)
            if item is None:
                item = made[row] = _call_evidence(row)
            items.append(item)
    return found


def _counted_visits(discipline: str | None) -> QuerySet[VisitReport]:
    reports = VisitReport.objects.filter(standing__in=[s.value for s in COUNTING], connected=False)
    return reports.filter(discipline=discipline) if discipline else reports


# The counted visits' rows of a few clinics, compiled once, as the calls'.
counted_visit_rows = clinic_rows(
    lambda discipline: _counted_visits(discipline).values_list("clinic_id", "discipline", "account_id", *VISIT_COLUMNS)
)


def visit_evidence_of(rows: Iterable[Row]) -> dict[EvidenceKey, list[Evidence]]:
    """From (clinic id, therapy, account id, *VISIT_COLUMNS) rows."""
    # As with calls: one person's visits that say the same in the same month make equal items,
    # each made (and its summary worded) once per query.
    made: dict[tuple[object, ...], Evidence | None] = {}
    found: dict[EvidenceKey, list[Evidence]] = {}
    for clinic_id, code, *row in rows:
        key = tuple(row)
        if key in made:
            item = made[key]
        else:
            account_id, *columns = row
            item = made[key] = visit_evidence_from_row(tuple(columns), account_id)
        if item is not None:
            found.setdefault((clinic_id, code), []).append(item)
    return found


def _profiles(found: list[tuple[ClinicCareTime, str]], as_of: date) -> dict[EvidenceKey, CareTimeProfile]:
    """From ``_counted_sums``: each row with its clinic's state."""
    if not found:
        return {}
    regions = region_sums({row.discipline for row, _ in found})
    empty = CareTimeSums()
    return {
        (row.clinic_id, row.discipline): care_time_profile(
            row.sums,
            region=regions.get((state, row.discipline), empty),
            national=regions.get((NATIONAL, row.discipline), empty),
            reporters=row.reporters,
            minutes_reporters=row.minutes_reporters,
            reports=row.reports,
            newest=row.newest,
            connected=row.connected_reports,
            as_of=as_of,
        )
        for row, state in found
    }


def region_sums(disciplines: Iterable[str]) -> dict[tuple[str, str], CareTimeSums]:
    """Each state's sums of these therapies, and the nation's (state ``NATIONAL``)."""
    wanted = set(disciplines)
    generation = EVIDENCE.current()  # before the rows are read: they are of it or newer
    every = _kept_regions.get(generation)
    if every is None:
        every = _every_region_sums()
        _kept_regions.put(generation, every)
    return {key: sums for key, sums in every.items() if key[1] in wanted}


# The states' and the nation's sums change only with a write of evidence, which starts a new
# evidence generation: folded once per generation in each process, not on every page (at
# national scale, thousands of rows of reports not folded yet; most of a results page's reads).
_kept_regions: Kept[dict[tuple[str, str], CareTimeSums]] = Kept(2)


def _every_region_sums() -> dict[tuple[str, str], CareTimeSums]:
    """The sums of every region's rows (``RegionCareTime``), read in one statement, so that a
    row folded meanwhile is read either before or after, never both or neither."""
    found: dict[tuple[str, str], CareTimeSums] = {}
    for row in RegionCareTime.objects.all():
        sums = row.sums
        for region in (row.state, NATIONAL):
            found.setdefault((region, row.discipline), CareTimeSums()).add(sums)
    return {key: sums.clamped() for key, sums in found.items()}


def _counted_query(discipline: str | None) -> QuerySet[Any]:
    rows = ClinicCareTime.objects.filter(Q(reports__gt=0) | Q(connected_reports__gt=0))
    if discipline:
        rows = rows.filter(discipline=discipline)
    return rows.values_list(*_SUMS_FIELDS, "clinic__state")


def _with_state(row: Row) -> tuple[ClinicCareTime, str]:
    return ClinicCareTime.from_db(connection.alias, _SUMS_FIELDS, row[:-1]), row[-1]


_SUMS_FIELDS = [field.attname for field in ClinicCareTime._meta.concrete_fields]
# The sums of the clinics with counted reports, each with its clinic's state: read on every
# first look at a clinic or a page of results, with SQL compiled once (``clinic_rows``).
_counted_sums = ClinicRead(_counted_query, _with_state)


def care_time_profiles(
    clinic_ids: Sequence[int], discipline: str | None, *, as_of: date
) -> dict[EvidenceKey, CareTimeProfile]:
    """The Care Time profiles of a few clinics (for one therapy, or all), read from the stored
    sums: one query for the clinics' rows and one for their regions'. A clinic and therapy
    without a visit report has no entry."""
    if not clinic_ids:
        return {}
    generation = EVIDENCE.current()  # before the rows are read: they are of it or newer
    found: dict[EvidenceKey, CareTimeProfile] = {}
    missing: list[int] = []
    for clinic_id in clinic_ids:
        kept = _kept_profiles.get((generation, as_of, clinic_id, discipline))
        if kept is None:
            missing.append(clinic_id)
        else:
            found.update(kept)
    if missing:
        read: dict[int, dict[EvidenceKey, CareTimeProfile]] = {clinic_id: {} for clinic_id in missing}
        for key, profile in _profiles(_counted_sums(missing, discipline), as_of).items():
            read[key[0]][key] = profile
        for clinic_id, profiles in read.items():
            _kept_profiles.put((generation, as_of, clinic_id, discipline), profiles)
            found.update(profiles)
    return found


# A clinic's profiles change only with a write of evidence (its own reports, or its state's and
# the nation's, which it is compared with): kept per clinic in each process under the evidence
# generation and the day (a profile says how recent its reports are), so that the clinics of a
# results page met before cost no query. A few hundred bytes each.
_kept_profiles: Kept[dict[EvidenceKey, CareTimeProfile]] = Kept(50_000)


@dataclass(frozen=True)
class CallSpread:
    """What the clinic said on calls: how many calls, the spread of answers, how recent."""

    calls: int = 0
    newest: date | None = None
    minutes: tuple[int, ...] = ()
    minutes_withheld: int = 0
    care: tuple[tuple[str, int], ...] = ()
    visits: tuple[tuple[str, int], ...] = ()
    follow_up: tuple[tuple[str, int], ...] = ()
    visit_lengths: tuple[int, ...] = ()

    @property
    def minutes_figures(self) -> tuple[int, float, int] | None:
        """Lowest, median, highest; only from at least ``MIN_PEOPLE_FOR_A_FIGURE`` answers."""
        if len(self.minutes) < MIN_PEOPLE_FOR_A_FIGURE:
            return None
        return min(self.minutes), statistics.median(self.minutes), max(self.minutes)

    @property
    def minutes_bands(self) -> tuple[tuple[str, int], ...]:
        """Fewer than ``MIN_PEOPLE_FOR_A_FIGURE`` answers are shown as counts per group of minutes, each
        group named in full words ("30 minutes or less"), in the order of the groups."""
        short, default_bar = SHORT_MINUTES, DEFAULT_BAR_MINUTES
        bands = Counter(0 if m <= short else 1 if m < default_bar else 2 for m in self.minutes)
        labels = (
            wording.minutes_or_less(short, translation=translation),
            wording.minutes_range(short + 1, default_bar - 1, translation=translation),
            wording.minutes_or_more(default_bar, translation=translation),
        )
        return tuple((label, bands[index]) for index, label in enumerate(labels) if bands[index])

    @property
    def visit_length_figures(self) -> tuple[int, float, int] | None:
        if len(self.visit_lengths) < MIN_PEOPLE_FOR_A_FIGURE:
            return None
        return min(self.visit_lengths), statistics.median(self.visit_lengths), max(self.visit_lengths)


def _spread(rows: list[tuple[object, ...]]) -> CallSpread:
    if not rows:
        return CallSpread()
    answers = [answers_from_row(row) for row in rows]
    care, visits, follow_up = Counter[str](), Counter[str](), Counter[str]()
    for _, a in answers:
        care[str(a.care)] += 1
        visits[str(a.visits)] += 1
        follow_up[str(a.follow_up_by)] += 1
    return CallSpread(
        calls=len(answers),
        newest=max(called_in for called_in, _ in answers),
        minutes=tuple(sorted(a.therapist_minutes for _, a in answers if a.therapist_minutes is not None)),
        minutes_withheld=sum(1 for _, a in answers if a.minutes_withheld),
        care=tuple((CARE_LABELS[c], care[c.value]) for c in Care if care[c.value]),
        visits=tuple((VISITS_LABELS[v], visits[v.value]) for v in Visits if visits[v.value]),
        follow_up=tuple((FOLLOW_UP_LABELS[f], follow_up[f.value]) for f in FollowUpBy if follow_up[f.value]),
        visit_lengths=tuple(sorted(a.visit_length_minutes for _, a in answers if a.visit_length_minutes is not None)),
    )


@dataclass(frozen=True)
class StatedAnswers:
    """What clinics said on the calls that count, and which clinics have reports held for review."""

    spreads: dict[EvidenceKey, CallSpread]
    under_review: frozenset[int]  # clinic ids with reports held after a burst

    def spread(self, clinic_id: int, discipline: str) -> CallSpread:
        return self.spreads.get((clinic_id, discipline), CallSpread())


def _not_rejected(discipline: str | None) -> QuerySet[CallReport]:
    reports = CallReport.objects.exclude(standing=Standing.REJECTED.value)
    return reports.filter(discipline=discipline) if discipline else reports


def _held_visits(discipline: str | None) -> QuerySet[VisitReport]:
    reports = VisitReport.objects.filter(standing=Standing.HELD.value)
    return reports.filter(discipline=discipline) if discipline else reports


# What the stated-answers panel reads of a few clinics, compiled once
# (``caretime.directory.clinic_rows``): the calls not rejected, with their standing, and which
# clinics have visit reports held for review. A clinic's page reads them with its evidence
# (``caretime.verdicts.evidence.gathered``), in the same round trip.
_stated_call_rows = clinic_rows(
    lambda discipline: _not_rejected(discipline).values_list("clinic_id", "discipline", "standing", *EVIDENCE_COLUMNS)
)
_held_visit_rows = clinic_rows(lambda discipline: _held_visits(discipline).values_list("clinic_id"))
STATED_READS = (_stated_call_rows, _held_visit_rows)


def stated_answers_of(calls: list[Row], visits: list[Row]) -> StatedAnswers:
    """The stated-answers panel of a few clinics, from what ``STATED_READS`` read of them."""
    counting = {s.value for s in COUNTING}
    rows: list[tuple[object, ...]] = []
    held: set[int] = set()
    for clinic_id, code, standing, *columns in calls:
        if standing == Standing.HELD.value:
            held.add(clinic_id)
        if standing in counting:
            rows.append((clinic_id, code, *columns))
    held.update(clinic_id for (clinic_id,) in visits)
    return StatedAnswers({key: _spread(found) for key, found in _rows_by_key(rows).items()}, frozenset(held))


def _held_calls(discipline: str | None) -> QuerySet[CallReport]:
    reports = CallReport.objects.filter(standing=Standing.HELD.value)
    return reports.filter(discipline=discipline) if discipline else reports


# Which clinics have call or visit reports held after a burst, waiting for a moderator
# (``StatedAnswers.under_review``): for the verdict API, which shows nothing else of the stated
# answers, read with its evidence (``caretime.verdicts.evidence.gathered``).
_held_call_rows = clinic_rows(lambda discipline: _held_calls(discipline).order_by().values_list("clinic_id"))
HELD_READS = (_held_call_rows, _held_visit_rows)
