"""One clinic's care times and verdicts, made once per worker and kept under what they are made of.

A clinic's page and its verdict from the API read every source's evidence about the clinic
and assess it: about a dozen queries and most of their time, for a result that stays the same
until something is written. What it is made of is the clinic (its listing: the directory's
generation), the bar, the day (a verdict ages) and the evidence: the evidence's generation,
which every write through ``caretime.verdicts.actions`` and every rebuild starts anew (a Care
Time profile leans on its state's and the nation's reports, so any write may change any
clinic's page). Nothing of the person asking is in a key, so nothing is ever invalidated: a
change makes a new key, and the least recently used go first.

The evidence's generation is read from the shared cache itself, not from this process's
reading of the last second: a write in another worker is seen at once. While the cache holds
none (emptied, or a load that wrote past the actions and has not started one), nothing is kept
or served from what was kept: nothing says what it would have been made of.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

from django.core.cache import cache

from caretime.core.verdict import Bar
from caretime.directory.search_cache import directory_generation
from caretime.verdicts.derived import EVIDENCE


def made_of(clinic_id: int, discipline: str | None, bar: Bar, today: date) -> Hashable | None:
    """The key of what a clinic's page or verdict shows of its evidence on ``today`` under
    ``bar``; None when it cannot be kept. Read before anything of the clinic, so that what is
    then read is of these generations or newer (a write meanwhile starts a newer one)."""
    return made_of_under(evidence_generation(), clinic_id, discipline, bar, today)


def evidence_generation() -> int | None:
    """The evidence's generation as the shared cache holds it now (None: it holds none). A page
    that keeps several things under it reads it once, first."""
    evidence = cache.get(EVIDENCE.key)
    return None if evidence is None else int(evidence)


def made_of_under(
    evidence: int | None, clinic_id: int, discipline: str | None, bar: Bar, today: date
) -> Hashable | None:
    """``made_of`` with the evidence's generation already read (``evidence_generation``)."""
    if evidence is None:
        return None
    return (clinic_id, discipline, bar, today, directory_generation(), evidence)
