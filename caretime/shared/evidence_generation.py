"""The evidence's generation: a number that every write of evidence and every rebuild of the
derived tables starts anew (``caretime.verdicts.derived``).

What is made from evidence and kept (the API's ETags and Last-Modified, each process's mirror of
the stored sums, a clinic's kept care times, the states' and the nation's Care Time sums) is kept
under it. A Care Time profile leans on its state's and the nation's reports, so one clinic's write
can change another's answer: one number for all evidence, not one per clinic. It lives on this
layer so that the sources (reports first) can key what they keep on it too.
"""

from __future__ import annotations

from caretime.directory.search_cache import Generation

EVIDENCE = Generation("evidence:generation")
