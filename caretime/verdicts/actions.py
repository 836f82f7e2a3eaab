"""Every write that changes evidence, as one action: the source's service writes, then the
derived tables follow (``caretime.verdicts.derived.keep_derived``), in one transaction. Pages,
the API, the admin, commands and the demo write evidence through these functions only, so no
derived table can be left behind by a write (and a review's visit facts, another source's
report, are filed here, where both sources are in reach).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import ParamSpec, TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from caretime.billing import services as billing_services
from caretime.billing.services import IndicatorSummary
from caretime.clinicside import claims
from caretime.clinicside import services as clinicside_services
from caretime.clinicside.models import Claim, Statement
from caretime.directory.models import Clinic
from caretime.progress import ProgressCallback
from caretime.reports import services as report_services
from caretime.reports.models import CallReport, VisitReport
from caretime.reviews import services as review_services
from caretime.reviews.models import Review
from caretime.reviews.services import Draft
from caretime.shared.evidence_generation import EVIDENCE
from caretime.shared.limits import RateLimited
from caretime.verdicts.derived import Changed, keep_derived
from caretime.workplace import services as workplace_services
from caretime.workplace.services import BatchResult

# --- calls and visits -------------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")


def _filed(sent: CallReport | VisitReport | RateLimited) -> Changed | None:
    """What filing a report changed; nothing when a limit refused it."""
    if isinstance(sent, VisitReport):
        return Changed(visits_filed=(sent,))
    if isinstance(sent, CallReport):
        return Changed.of_evidence([(sent.clinic_id, sent.discipline)])
    return None


def _then_keep_derived(write: Callable[P, R], changed: Callable[[R], Changed | None]) -> Callable[P, R]:
    """The action of a source's write, with the write's own signature: the write, then the
    derived tables follow what it changed, in one transaction."""

    @functools.wraps(write)
    def action(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            written = write(*args, **kwargs)
            change = changed(written)
            if change is not None:
                keep_derived(change)
        return written

    return action


# A call or visit report someone sent, through the limits (a refusal writes nothing), or stored
# past them (the demo, tests, a review's visit facts).
submit_call_report = _then_keep_derived(report_services.submit_call_report, _filed)
record_call_report = _then_keep_derived(report_services.record_call_report, _filed)
submit_visit_report = _then_keep_derived(report_services.submit_visit_report, _filed)
record_visit_report = _then_keep_derived(report_services.record_visit_report, _filed)


def delete_visit_report(report: VisitReport) -> None:
    with transaction.atomic():
        deleted = report_services.delete_visit_report(report)
        if deleted is not None:
            keep_derived(Changed(visits_withdrawn=(deleted,)))


def delete_call_report(report: CallReport) -> None:
    with transaction.atomic():
        report_services.delete_call_report(report)
        keep_derived(Changed.of_evidence([(report.clinic_id, report.discipline)]))


def decide_held_reports(
    *, reports: Iterable[CallReport | VisitReport], release: bool, moderator_id: int, now: datetime | None = None
) -> int:
    """A moderator releases or rejects held reports; returns how many were decided."""
    with transaction.atomic():
        decided = report_services.decide_held_reports(
            reports=reports, release=release, moderator_id=moderator_id, now=now
        )
        released = tuple(report for report in decided if isinstance(report, VisitReport))
        keep_derived(
            Changed(
                evidence=frozenset((report.clinic_id, report.discipline) for report in decided),
                visits_filed=released if release else (),
            )
        )
    return len(decided)


# --- reviews, whose visit facts are filed as the person's visit report -----------------------


def _file_facts(review: Review, draft: Draft) -> None:
    """The visits' facts as the author's visit report, replacing the review's earlier one."""
    if review.visit_report is not None:
        delete_visit_report(review.visit_report)
        review.visit_report = None
    if draft.facts is not None:
        # The person may already have reported these very facts: that report then counts, once.
        with contextlib.suppress(report_services.DuplicateReport):
            review.visit_report = record_visit_report(
                account=review.account,
                clinic=review.clinic,
                discipline=draft.discipline,
                visited_in=draft.visited_in,
                facts=draft.facts,
            )
    review.save(update_fields=["visit_report"])


def submit_review(*, request: HttpRequest, account: User, clinic: Clinic, draft: Draft) -> Review | RateLimited:
    """A new review (``reviews.services.submit_review``), with its visit facts filed."""
    with transaction.atomic():
        sent = review_services.submit_review(request=request, account=account, clinic=clinic, draft=draft)
        if isinstance(sent, Review):
            _file_facts(sent, draft)
    return sent


def edit_review(review: Review, draft: Draft) -> Review:
    """The author's new version (``reviews.services.edit_review``), with its visit facts filed again."""
    with transaction.atomic():
        edited = review_services.edit_review(review, draft)
        _file_facts(edited, draft)
    return edited


def delete_review(review: Review) -> None:
    """The author deletes their review, and the visit report its facts were filed as."""
    with transaction.atomic():
        if review.visit_report is not None:
            delete_visit_report(review.visit_report)
        review_services.delete_review(review)
        # The clinic page keeps its reviews under the evidence's generation (clinic_page).
        EVIDENCE.changed()


# --- published figures --------------------------------------------------------------------


def publish_worker_reports(*, today: date) -> BatchResult:
    """The monthly batch of clinicians' reports (``workplace.services.publish_worker_reports``)."""
    with transaction.atomic():
        result = workplace_services.publish_worker_reports(today=today)
        keep_derived(Changed.of_evidence(result.changed))
    return result


def compute_billing_indicators(*, year: int, progress: ProgressCallback | None = None) -> IndicatorSummary:
    """A claims year's billing indicators (``billing.services.compute_billing_indicators``)."""
    with transaction.atomic():
        summary = billing_services.compute_billing_indicators(year=year, progress=progress)
        keep_derived(Changed.of_evidence(summary.changed))
    return summary


# --- what a clinic states ----------------------------------------------------------------


def _stated(statement: Statement) -> Changed:
    return Changed.of_evidence([(statement.clinic_id, statement.discipline)])


state_policy = _then_keep_derived(clinicside_services.state_policy, _stated)


def revoke_claim(*, claim: Claim, staff: User, reason: str) -> Claim:
    """Staff revoke a claim; the statements made under it stop counting with it."""
    with transaction.atomic():
        revoked = claims.revoke_claim(claim=claim, staff=staff, reason=reason)
        keys = [(s.clinic_id, s.discipline) for s in claim.statements.all()]
        if keys:
            keep_derived(Changed.of_evidence(keys))
    return revoked
