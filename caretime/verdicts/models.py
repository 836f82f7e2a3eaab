"""The verdict's stored sums: per clinic and therapy, what the verdict rule reads of the
evidence (``caretime.core.verdict.GrownSums``), so that sorting by verdict and listing
alternatives read one row per clinic instead of every report.

They are a cache of the one evidence path, never a second rule: ``caretime.verdicts.sums``
computes them with ``grow`` from ``evidence_for_clinics`` whenever a source says its evidence
changed, and ``judge_sums`` reads them with the same arithmetic as a verdict from the reports.
"""

from __future__ import annotations

import json
from datetime import date

from django.db import models

from caretime.core.evidence import EvidenceSource
from caretime.core.verdict import MINUTE_LEVELS, GrownSums
from caretime.directory.models import Clinic, DisciplineChoices


def encode(grown: GrownSums) -> str:
    """The sums as JSON text: floats written by ``repr`` come back bit for bit; the minutes
    levels, mostly empty, as [level index, sum] pairs; then the reports per source. Text rather
    than a JSON column, so that a worker can recognise sums it judged before without parsing
    them (``sums.judged_all``)."""
    return json.dumps(
        [
            grown.total,
            list(grown.support),
            list(grown.without_billing),
            [[index, value] for index, value in enumerate(grown.meets) if value],
            [[index, value] for index, value in enumerate(grown.below) if value],
            *([] if grown.counts is None else [[[source.value, count] for source, count in grown.counts]]),
        ],
        separators=(",", ":"),
    )


def decode(stored: str, people: int, newest: date | None) -> GrownSums:
    total, support, without_billing, meets_pairs, below_pairs, *counted = json.loads(stored)
    meets = [0.0] * MINUTE_LEVELS
    below = [0.0] * MINUTE_LEVELS
    for index, value in meets_pairs:
        meets[index] = float(value)
    for index, value in below_pairs:
        below[index] = float(value)
    return GrownSums(
        support=tuple(float(v) for v in support),
        without_billing=tuple(float(v) for v in without_billing),
        meets=tuple(meets),
        below=tuple(below),
        total=float(total),
        people=people,
        newest=newest,
        # Rows written before the counts were kept have none: read from the evidence instead.
        counts=tuple((EvidenceSource(source), count) for source, count in counted[0]) if counted else None,
    )


class VerdictSums(models.Model):
    """The grown sums of one clinic's evidence about one therapy; no row: no evidence."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    sums = models.TextField(
        help_text="caretime.core.verdict.GrownSums as JSON, written by caretime.verdicts.models.encode"
    )
    people = models.PositiveIntegerField(help_text="Different people behind the evidence.")
    newest = models.DateField(help_text="Day of the newest item: later than today, the sums wait for that day.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clinic", "discipline"], name="verdict_sums_unique")]

    def __str__(self) -> str:
        return f"Verdict sums of clinic {self.clinic_id} ({self.discipline})"

    @property
    def grown(self) -> GrownSums:
        return decode(self.sums, self.people, self.newest)
