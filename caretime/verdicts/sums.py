"""Keeping the verdict's stored sums (``VerdictSums``) in step with the evidence, and reading them.

Whenever a write changes what counts about a clinic and therapy (a report filed, deleted or
released by a moderator, worker figures published, a billing year computed), its action calls
``caretime.verdicts.derived.keep_derived`` inside its transaction, and ``refresh_verdict_sums``
recomputes those rows from the one evidence path, in that same transaction. Recomputing (rather than adding and subtracting) keeps the stored sums exactly
what ``grow`` makes of the reports, whatever the order of writes, so a verdict from them
equals a verdict from the reports bit for bit (``tests/verdicts/test_stored_sums.py``).

Ranking a radius reads them through each process's mirror (``stored_sums``): the rows of the
clinics its searches reached, read once per directory index and evidence generation, with
their verdicts per bar and day by row of the index, so that ranking a region searched before
is array arithmetic and no query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction

from caretime.core.evidence import Evidence, EvidenceKey
from caretime.core.verdict import (
    NOTHING_KNOWN,
    Bar,
    GrownSums,
    QuickVerdict,
    Status,
    VerdictSummary,
    grow,
    judge_sums,
    summarize,
)
from caretime.directory.clinic_rows import clinic_id_list
from caretime.directory.geo_index import DISCIPLINES, BoolArray, GeoIndex, IntArray
from caretime.directory.models import Clinic
from caretime.shared.bulk_rows import write_rows
from caretime.verdicts.evidence import evidence_for_clinics
from caretime.verdicts.models import VerdictSums, decode, encode

# Clinics whose evidence is read in one go: one query per source, an id list this long.
_CHUNK = 2000
# The same for a rebuild, whose chunk holds the table against writes while it runs (well under
# a second at national scale): larger, because each chunk makes its evidence items afresh
# (``caretime.reports.selectors``), and with 2,000 clinics that was a fifth of a rebuild.
_REBUILD_CHUNK = 10_000


_COLUMNS = ("clinic_id", "discipline", "sums", "people", "newest")
Row = tuple[int, str, str, int, date]


def _values(evidence: Mapping[EvidenceKey, list[Evidence]]) -> list[Row]:
    """Fresh rows (the values of ``_COLUMNS``) from each key's evidence; keys without evidence get none."""
    rows = []
    for (clinic_id, discipline), items in evidence.items():
        grown = grow(items)
        if grown.newest is not None:
            rows.append((clinic_id, discipline, encode(grown), grown.people, grown.newest))
    return rows


def _rows(evidence: Mapping[EvidenceKey, list[Evidence]]) -> list[VerdictSums]:
    """The same rows as models."""
    return [
        VerdictSums(clinic_id=clinic_id, discipline=discipline, sums=sums, people=people, newest=newest)
        for clinic_id, discipline, sums, people, newest in _values(evidence)
    ]


def _replace_rows(clinic_ids: list[int], keys: Sequence[EvidenceKey] | None) -> int:
    """Within the caller's transaction and locks, replace the stored rows of ``keys`` (None: of
    every therapy) of these clinics with fresh ones from their evidence; returns the rows written."""
    evidence = evidence_for_clinics(clinic_ids)
    if keys is None:
        VerdictSums.objects.filter(clinic_id__in=clinic_ids).delete()
        # Plain rows, not bulk_create: its preparing of every value cost more than the writing.
        return write_rows(VerdictSums._meta.db_table, _COLUMNS, _values(evidence))
    rows = _rows({key: evidence.get(key, []) for key in keys})
    # Rows that stay are written over in one statement (a report filed is usually just that);
    # only keys left without evidence are deleted.
    VerdictSums.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["clinic", "discipline"],
        update_fields=["sums", "people", "newest"],
    )
    gone: dict[str, list[int]] = {}
    for clinic_id, discipline in set(keys) - {(row.clinic_id, row.discipline) for row in rows}:
        gone.setdefault(discipline, []).append(clinic_id)
    for discipline, ids in gone.items():
        VerdictSums.objects.filter(discipline=discipline, clinic_id__in=ids).delete()
    return len(rows)


def refresh_verdict_sums(keys: Sequence[EvidenceKey]) -> None:
    """Recompute the stored sums of these (clinic id, therapy) pairs from their evidence
    (``keep_derived`` starts a new evidence generation first, which every process's mirror of
    these rows, ``stored_sums``, follows)."""
    # Inside the write's transaction: a savepoint of its own would be two more round trips.
    with transaction.atomic(savepoint=False):
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            clinic_ids = sorted({clinic_id for clinic_id, _ in chunk})
            # Reports lock their clinic as they arrive; a bulk refresh (a billing year computed)
            # takes the same locks, so it waits for a report being filed and then reads the
            # evidence with it, instead of colliding with that report's fresh row.
            list(Clinic.objects.select_for_update().filter(pk__in=clinic_ids).order_by("pk").values_list("pk"))
            _replace_rows(clinic_ids, chunk)


def rebuild_verdict_sums() -> int:
    """Recompute every clinic's stored sums from the evidence (after a bulk load, an import
    or a restore), 10,000 clinics at a time, each chunk in a transaction of its own. Returns
    the number of rows written.

    On PostgreSQL each chunk locks the table against writes first, so a report being filed
    finishes first and is read with the chunk, and one filed meanwhile waits for that chunk
    (about a second), then refreshes its own rows; never for the whole rebuild (over a minute
    at 3,000,000 reports)."""
    forget_stored_sums()  # called directly (a test, the start-up check) as well as by rebuild_derived
    clinic_ids = list(Clinic.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(clinic_ids), _REBUILD_CHUNK):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {VerdictSums._meta.db_table} IN EXCLUSIVE MODE")
            written += _replace_rows(clinic_ids[start : start + _REBUILD_CHUNK], None)
    return written


# What ``grown_sums_for`` finds per clinic and therapy: the stored row as read (its JSON text
# and people), or sums grown from the evidence where a row cannot serve.
StoredRow = tuple[str, int]
StoredOrGrown = StoredRow | GrownSums
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def grown_sums_for(
    clinic_ids: Sequence[int], discipline: str | None, *, as_of: date
) -> dict[EvidenceKey, StoredOrGrown]:
    """The sums of these clinics' evidence, fit to judge on ``as_of`` (with ``judged``): one
    stored row per clinic and therapy, no report read. A row with an item dated after
    ``as_of`` (billing of a year not yet over) would count that item at its own date, where
    the rule counts it as of that day, so those few clinics are grown from their evidence."""
    if not clinic_ids:
        return {}
    # One statement through the cursor, not the ORM: a radius holds thousands of rows, and the
    # ORM's per-row work (converters, model fields) cost more than the database's reading.
    ids_sql, ids_param = clinic_id_list(clinic_ids)
    table = VerdictSums._meta.db_table
    sql = f"SELECT clinic_id, discipline, sums, people, newest > %s FROM {table} WHERE clinic_id IN ({ids_sql})"  # noqa: S608 (our table and fixed SQL; values are parameters)
    params: list[date | str | list[int]] = [
        as_of if connection.vendor == "postgresql" else as_of.isoformat(),
        ids_param,
    ]
    if discipline:
        sql += " AND discipline = %s"
        params.append(discipline)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[EvidenceKey, StoredOrGrown] = {}
    later: list[int] = []
    for clinic_id, code, text, people, is_later in rows:
        if is_later:  # compared in the database: turning thousands of stored days into dates costs more
            later.append(clinic_id)
        else:
            found[(clinic_id, code)] = (text, people)
    if later:
        for key, items in evidence_for_clinics(later, discipline).items():
            found[key] = grow(items, as_of=as_of)
    return found


def judged(found: StoredOrGrown, bar: Bar, as_of: date) -> QuickVerdict:
    """The quick verdict of found sums under the bar, on ``as_of``."""
    if isinstance(found, GrownSums):
        return judge_sums(found, bar, as_of=as_of)
    return judged_all({None: found}, bar, as_of)[None]


# The verdict of stored sums is a pure function of the row's text, the bar and the day, and
# the clinics of a metro come up in search after search: each worker keeps the verdicts it
# worked out (about 10 MB at most), so a row it judged before costs a dictionary lookup.
# Filed by bar and day first, so that a ranking of thousands of rows hashes those once.
_JUDGED_KEPT = 50_000
_judged_rows: dict[tuple[Bar, date], dict[StoredRow, QuickVerdict]] = {}


def judged_all(found: Mapping[K, StoredOrGrown], bar: Bar, as_of: date) -> dict[K, QuickVerdict]:
    """``judged`` of every value of ``found``, under one bar on one day."""
    return _of_rows(_judged_rows, found, bar, as_of, lambda grown: judge_sums(grown, bar, as_of=as_of))


# Likewise the summaries of stored rows (what a list shows of a verdict), per bar and day.
_summarized_rows: dict[tuple[Bar, date], dict[StoredRow, VerdictSummary | None]] = {}


def summaries(found: Mapping[K, StoredOrGrown], bar: Bar, as_of: date) -> dict[K, VerdictSummary]:
    """The verdict summaries of found sums (``summarize``), for those that kept their counts."""
    made = _of_rows(_summarized_rows, found, bar, as_of, lambda grown: summarize(grown, bar, as_of=as_of))
    return {key: summary for key, summary in made.items() if summary is not None}


def _of_rows(
    kept: dict[tuple[Bar, date], dict[StoredRow, T]],
    found: Mapping[K, StoredOrGrown],
    bar: Bar,
    as_of: date,
    make: Callable[[GrownSums], T],
) -> dict[K, T]:
    """``make`` of every value of ``found``; of a stored row, once per bar and day (``kept``)."""
    if sum(map(len, kept.values())) + len(found) > _JUDGED_KEPT:
        kept.clear()
    known = kept.setdefault((bar, as_of), {})
    made = {}
    for key, sums in found.items():
        if isinstance(sums, GrownSums):
            made[key] = make(sums)
        elif sums in known:
            made[key] = known[sums]
        else:
            made[key] = known[sums] = make(decode(*sums, None))  # newest plays no part
    return made


# --- this process's mirror of the stored sums ---------------------------------------------


class RowVerdicts:
    """The quick verdicts of one therapy (or, for ``None``, each clinic's best therapy) under one
    bar on one day, by row of the directory index: filled in for the rows a search reaches, so
    a ranking of the same region again is array arithmetic."""

    def __init__(self, size: int) -> None:
        self.filled: BoolArray = np.zeros(size, dtype=np.bool_)
        self.meets: BoolArray = np.zeros(size, dtype=np.bool_)  # the status is MEETS_BAR
        self.clean: BoolArray = np.zeros(size, dtype=np.bool_)  # not enough known, nothing against
        self.sort_rank: npt.NDArray[np.int8] = np.zeros(size, dtype=np.int8)
        self.verdict: dict[int, QuickVerdict] = {}  # by row, of the rows filled in

    def fill(self, row: int, verdict: QuickVerdict) -> None:
        self.verdict[row] = verdict
        self.meets[row] = verdict.status == Status.MEETS_BAR
        self.clean[row] = verdict.status == Status.NOT_ENOUGH_KNOWN and not verdict.evidence_against
        self.sort_rank[row] = verdict.sort_rank
        self.filled[row] = True


# The bars, days and therapies whose verdicts a process keeps per row (the least recently used
# go first): arrays of the whole index, 0.4 MB at 100,000 clinics, and the verdicts of the
# rows searches reached.
_ROW_VERDICTS_KEPT = 16


class StoredSums:
    """This process's copy of the stored sums (``VerdictSums``) of the clinics its searches
    reached, for one directory index and one evidence generation
    (``caretime.shared.evidence_generation.EVIDENCE``): a region searched again reads no row.

    A clinic's rows are read the first time a search reaches it (only the clinics not read yet);
    the copy is dropped as a whole when either generation changes. The process that writes
    evidence sees its write at once (``Generation.changed`` updates its own reading, and the
    refresh drops the copy); other processes within ``GENERATION_RECHECK_SECONDS``, as the cached
    search answers. Nothing in it depends on who asks.
    """

    def __init__(self, index: GeoIndex, evidence_generation: int) -> None:
        self.index = index
        self.evidence_generation = evidence_generation
        self.read: BoolArray = np.zeros(index.size, dtype=np.bool_)  # rows whose sums were read
        # (clinic, therapy) -> the row as read, and the ISO day of its newest item
        self.rows: dict[EvidenceKey, tuple[StoredRow, str]] = {}
        self._later: dict[tuple[EvidenceKey, date], GrownSums] = {}  # grown from evidence, per day
        self._verdicts: dict[tuple[Bar, date, str | None], RowVerdicts] = {}
        self._lock = threading.Lock()  # the development server and live-server tests run threads

    def _read(self, rows: IntArray) -> None:
        missing = rows[~self.read[rows]]
        if not len(missing):
            return
        ids_sql, ids_param = clinic_id_list(self.index.ids[missing].tolist())
        table = VerdictSums._meta.db_table
        sql = f"SELECT clinic_id, discipline, sums, people, newest FROM {table} WHERE clinic_id IN ({ids_sql})"  # noqa: S608 (our table and fixed SQL; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids_param])
            # str() of a date is its ISO day, as SQLite returns it: compared as text.
            self.rows.update(((cid, code), ((text, people), str(newest))) for cid, code, text, people, newest in cursor)
        self.read[missing] = True

    def found(self, keys: Sequence[EvidenceKey], as_of: date) -> dict[EvidenceKey, StoredOrGrown]:
        """What ``grown_sums_for`` finds of these keys (of clinics read already): the stored row,
        or, where an item is dated after ``as_of``, the sums grown from the evidence as of then."""
        day = as_of.isoformat()
        found: dict[EvidenceKey, StoredOrGrown] = {}
        later = []
        for key in keys:
            stored = self.rows.get(key)
            if stored is None:
                continue
            if stored[1] <= day:
                found[key] = stored[0]
            elif (key, as_of) in self._later:
                found[key] = self._later[key, as_of]
            else:
                later.append(key)
        if later:
            evidence = evidence_for_clinics(sorted({clinic_id for clinic_id, _ in later}))
            for key in later:
                found[key] = self._later[key, as_of] = grow(evidence.get(key, []), as_of=as_of)
        return found

    def verdicts(self, rows: IntArray, discipline: str | None, bar: Bar, as_of: date) -> RowVerdicts:
        """The verdicts of these rows (filled in where missing) under the bar on the day: of
        ``discipline``, or without one of each clinic's best therapy (``best_of``)."""
        with self._lock:
            self._read(rows)
            key = (bar, as_of, discipline)
            verdicts = self._verdicts.pop(key, None) or RowVerdicts(self.index.size)
            while len(self._verdicts) >= _ROW_VERDICTS_KEPT:
                del self._verdicts[next(iter(self._verdicts))]
            self._verdicts[key] = verdicts  # the newest last
            todo = rows[~verdicts.filled[rows]].tolist()
            if not todo:
                return verdicts
            offers = self.index.offers
            ids = self.index.ids
            codes = {row: [discipline] if discipline else [c for c in DISCIPLINES if offers[c][row]] for row in todo}
            keys = [(int(ids[row]), code) for row in todo for code in codes[row]]
            judged = judged_all(self.found(keys, as_of), bar, as_of)  # no row: nothing known
            for row in todo:
                clinic_id = int(ids[row])
                verdicts.fill(row, best_of([judged.get((clinic_id, code), NOTHING_KNOWN) for code in codes[row]]))
            return verdicts


def best_of(verdicts: Sequence[QuickVerdict]) -> QuickVerdict:
    """The verdict a clinic ranks by without a therapy searched: its best therapy's (a clinic
    whose physical therapy meets the bar is one to call, whatever its speech therapy)."""
    return max(verdicts, key=lambda verdict: verdict.sort_rank, default=NOTHING_KNOWN)


_mirror: list[StoredSums] = []


def stored_sums(index: GeoIndex, evidence_generation: int) -> StoredSums:
    """This process's mirror of the stored sums for this index and evidence generation (a new,
    empty one when either changed)."""
    mirror = _mirror[0] if _mirror else None
    if mirror is None or mirror.index is not index or mirror.evidence_generation != evidence_generation:
        mirror = StoredSums(index, evidence_generation)
        _mirror[:] = [mirror]
    return mirror


def forget_stored_sums() -> None:
    """Drop this process's mirror: the next search reads the rows again."""
    _mirror.clear()
