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
reading of the last second: a write in another worker is seen at once, and what the request
then reads of the evidence's generation (the states' sums a profile leans on) is of the same.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

from caretime.core.verdict import Bar
from caretime.directory.search_cache import directory_generation
from caretime.shared.evidence_generation import EVIDENCE


def made_of(clinic_id: int, discipline: str | None, bar: Bar, today: date) -> Hashable:
    """The key of what a clinic's page or verdict shows of its evidence on ``today`` under
    ``bar``. Read before anything of the clinic, so that what is then read is of these
    generations or newer (a write meanwhile starts a newer one)."""
    return made_of_under(EVIDENCE.read(), clinic_id, discipline, bar, today)


def made_of_under(evidence: int, clinic_id: int, discipline: str | None, bar: Bar, today: date) -> Hashable:
    """``made_of`` with the evidence's generation already read (``EVIDENCE.read()``): a page
    that keeps several things under it reads it once, first."""
    return (clinic_id, discipline, bar, today, directory_generation(), evidence)
