"""One clinic's care times and verdicts, made once per worker and kept under what they are made of.

A clinic's page and its verdict from the API read every source's evidence about the clinic
and assess it: about a dozen queries and most of their time, for a result that stays the same
until something is written. What it is made of is the clinic (its listing: the directory's
generation), the bar, the day (a verdict ages), the evidence (the evidence's generation, which
every write through ``caretime.verdicts.actions`` and every rebuild starts anew) and the
clinic's stored sums as stored (``stored_mark``). The sums are in the key besides the
generation because some loads write reports and rebuild the sums without an action
(``rebuild_verdict_sums`` starts no generation): a kept answer then still follows what the
clinic's sums say. Nothing of the person asking is in a key.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

from django.db import connection

from caretime.core.verdict import Bar
from caretime.directory.search_cache import directory_generation
from caretime.verdicts.derived import EVIDENCE
from caretime.verdicts.models import VerdictSums


def stored_mark(clinic_id: int, discipline: str | None) -> tuple[tuple[object, ...], ...]:
    """The clinic's stored sums (of one therapy, or of all) as stored: one indexed read through
    the cursor (the ORM's compiling would cost more than the reading)."""
    table = VerdictSums._meta.db_table
    sql = f"SELECT discipline, sums, people, newest FROM {table} WHERE clinic_id = %s"  # noqa: S608 (our table; values are parameters)
    params: list[int | str] = [clinic_id]
    if discipline:
        sql += " AND discipline = %s"
        params.append(discipline)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY discipline", params)
        return tuple(tuple(row) for row in cursor.fetchall())


def made_of(clinic_id: int, discipline: str | None, bar: Bar, today: date) -> Hashable:
    """The key of what a clinic's page or verdict shows of its evidence on ``today`` under
    ``bar``. The generations are read before anything of the clinic, so what is then read is
    theirs or newer (a write meanwhile starts a newer one, and the next key differs)."""
    generations = (directory_generation(), EVIDENCE.current())
    return (clinic_id, discipline, bar, today, generations, stored_mark(clinic_id, discipline))
