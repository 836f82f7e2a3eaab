"""Keeping the verdict's stored sums (``VerdictSums``) in step with the evidence, and reading them.

Whenever a write changes what counts about a clinic and therapy (a report filed, deleted or
released by a moderator, worker figures published, a billing year computed), its action calls
``caretime.verdicts.derived.keep_derived`` inside its transaction, and ``refresh_verdict_sums``
recomputes those rows from the one evidence path, in that same transaction. Recomputing (rather than adding and subtracting) keeps the stored sums exactly
what ``grow`` makes of the reports, whatever the order of writes, so a verdict from them
equals a verdict from the reports bit for bit (``tests/verdicts/test_stored_sums.py``).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from django.db import connection, transaction

from caretime.core.evidence import Evidence, EvidenceKey
from caretime.core.verdict import Bar, GrownSums, QuickVerdict, VerdictSummary, grow, judge_sums, summarize
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
    """Recompute the stored sums of these (clinic id, therapy) pairs from their evidence."""
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
    ids_sql, ids_param = _id_list(clinic_ids)
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


def _id_list(clinic_ids: Sequence[int]) -> tuple[str, str | list[int]]:
    """The ids as one query parameter (SQL to select them, and the parameter): a radius holds
    thousands of clinics, and preparing thousands of parameters one by one costs far longer
    than the database spends on them."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", list(clinic_ids)
    return "SELECT value FROM json_each(%s)", json.dumps(list(clinic_ids))


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
    if sum(map(len, _judged_rows.values())) + len(found) > _JUDGED_KEPT:
        _judged_rows.clear()
    known = _judged_rows.setdefault((bar, as_of), {})
    verdicts = {}
    for key, sums in found.items():
        if isinstance(sums, GrownSums):
            verdicts[key] = judge_sums(sums, bar, as_of=as_of)
            continue
        verdict = known.get(sums)
        if verdict is None:
            text, people = sums
            verdict = known[sums] = judge_sums(decode(text, people, None), bar, as_of=as_of)  # newest plays no part
        verdicts[key] = verdict
    return verdicts


def summaries(found: Mapping[K, StoredOrGrown], bar: Bar, as_of: date) -> dict[K, VerdictSummary]:
    """The verdict summaries of found sums (``summarize``), for those that kept their counts."""
    summarized = {}
    for key, sums in found.items():
        grown = sums if isinstance(sums, GrownSums) else decode(*sums, None)
        summary = summarize(grown, bar, as_of=as_of)
        if summary is not None:
            summarized[key] = summary
    return summarized
