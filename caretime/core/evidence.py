"""Evidence about a clinic's care time: the one shape every source is turned into.

Call reports, a clinic's declared policy, patient visit reports, worker reports and
billing data all become ``Evidence`` items; the verdict rule (caretime.core.verdict)
reads nothing else. An item states facts only where its source supports them: a field
left as None means "this evidence says nothing about that", never "no".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class EvidenceSource(enum.StrEnum):
    CALL = "call"  # what the clinic said when someone called and asked the three questions
    DECLARED_POLICY = "declared_policy"  # what the clinic declares on its claimed profile
    PATIENT_REPORT = "patient_report"  # what a patient reported after a visit
    WORKER_REPORT = "worker_report"  # what clinicians report about their workplace (aggregated)
    BILLING = "billing"  # Medicare claims (public utilization files)

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    EvidenceSource.CALL: "what the clinic said on calls",
    EvidenceSource.DECLARED_POLICY: "the clinic's declared policy",
    EvidenceSource.PATIENT_REPORT: "patient reports",
    EvidenceSource.WORKER_REPORT: "clinician reports",
    EvidenceSource.BILLING: "Medicare billing data",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    source: EvidenceSource
    observed_on: date  # month precision is enough; the day is not published
    weight: float = 1.0  # how much one report from this source counts, before ageing
    reporters: int = 1  # independent reports this item stands for (an aggregate may stand for many)
    # Minutes alone with a licensed therapist per visit. When ``shared`` is True the figure is
    # time with a therapist who was also treating others, so the verdict reads it as an upper
    # bound on one-on-one time.
    one_on_one_minutes: float | None = None
    minutes_are_lower_bound: bool = False  # billing gives "at least N minutes", never "at most"
    shared: bool | None = None  # True: the therapist treated other patients at the same time
    every_visit: bool | None = None  # True: 1:1 on every visit; False: only on the first visit
    minutes_withheld: bool = False  # asked how much time with the therapist, the clinic would not say
    summary: str = ""  # plain words for the reasons list, e.g. "30 minutes, shared with 2 others"
