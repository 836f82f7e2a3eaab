"""Loading the demo region: invented clinics, and every source's invented reports about them,
always labelled as demo data. The builders write in bulk, past the services, so the derived
tables are rebuilt once at the end (a bulk load, ``caretime.verdicts.derived``)."""

from __future__ import annotations

from datetime import date

from caretime.billing.demo import build_demo_billing
from caretime.clinicside.demo import build_demo_clinic_side, demo_schedules_built
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic
from caretime.progress import ProgressCallback
from caretime.reports.demo import build_demo_call_reports, build_demo_visit_reports
from caretime.reports.models import CallReport, VisitReport
from caretime.reviews.demo import build_demo_reviews
from caretime.reviews.models import Review
from caretime.verdicts.actions import delete_review, delete_visit_report
from caretime.verdicts.derived import rebuild_derived
from caretime.workplace.demo import build_demo_worker_reports
from caretime.workplace.models import WorkerReport


class PeopleReportsInTheWay(Exception):
    """People filed reports about demo clinics, which a rebuild would delete."""

    def __init__(self, filed: int) -> None:
        super().__init__(
            f"People filed {filed} reports about demo clinics; rebuilding the demo region would delete them. "
            "Keep the region (load_demo --if-missing), or rebuild with --discard-people-reports to delete them."
        )


def complete_demo_region(*, seed: int, today: date) -> list[str]:
    """A region loaded before a kind of report existed: add that kind, keep the rest. Returns
    what was done, a line each."""
    done = []
    if not CallReport.objects.filter(is_demo=True).exists():
        done.append(f"Added {build_demo_call_reports(seed=seed, today=today)} demo call reports.")
    if not VisitReport.objects.filter(is_demo=True).exists():
        done.append(f"Added {build_demo_visit_reports(seed=seed, today=today)} demo visit reports.")
    if not WorkerReport.objects.filter(is_demo=True).exists():
        done.append(f"Added {build_demo_worker_reports(seed=seed, today=today)} demo worker reports.")
    if not Review.objects.filter(is_demo=True).exists():
        done.append(f"Added {build_demo_reviews(seed=seed, today=today)} demo reviews.")
    if not demo_schedules_built():
        done.append(f"Added an overlapping schedule of {build_demo_clinic_side(seed=seed, today=today)}.")
    rebuild_derived()
    return done


def people_reports_about_demo_clinics() -> int:
    return (
        CallReport.objects.filter(clinic__is_demo=True, is_demo=False).count()
        + VisitReport.objects.filter(clinic__is_demo=True, is_demo=False).count()
        + WorkerReport.objects.filter(clinic__is_demo=True, is_demo=False).count()
        + Review.objects.filter(clinic__is_demo=True, is_demo=False).count()
    )


def load_demo_region(
    *, seed: int, clinics: int, today: date, discard_people_reports: bool, progress: ProgressCallback | None = None
) -> list[str]:
    """Replace the demo region with one built from the seed; returns what was built, a line each.

    Rebuilding replaces the demo clinics, and with them every report about them: never silently
    for reports people filed (trying the demo, say), which are theirs (``PeopleReportsInTheWay``)."""
    filed = people_reports_about_demo_clinics()
    if filed and not discard_people_reports:
        raise PeopleReportsInTheWay(filed)
    if filed:
        # Through the actions, so that no derived table keeps them.
        for review in Review.objects.filter(clinic__is_demo=True, is_demo=False):
            delete_review(review)
        for report in VisitReport.objects.filter(clinic__is_demo=True, is_demo=False):
            delete_visit_report(report)
    summary = build_demo_region(seed=seed, clinics=clinics, progress=progress)
    calls = build_demo_call_reports(seed=seed, today=today, progress=progress)
    visits = build_demo_visit_reports(seed=seed, today=today, progress=progress)
    workers = build_demo_worker_reports(seed=seed, today=today, progress=progress)
    reviews = build_demo_reviews(seed=seed, today=today)
    billing = build_demo_billing(seed=seed)
    overlapping = build_demo_clinic_side(seed=seed, today=today)
    rebuilt = rebuild_derived()
    return [
        f"Demo region (seed {seed}): {summary.clinics} clinics, {summary.organizations} organisations, "
        f"{summary.clinicians} clinicians, {calls} call reports, {visits} visit reports, {workers} worker reports, "
        f"{reviews} reviews. Every page labels them as demo data.",
        f"Demo Medicare billing {billing.year}: {billing.clinicians} clinicians, {billing.clinics} clinics.",
        f"Demo clinic side: {overlapping} speaks for itself with an overlapping schedule (no badge); any other "
        "demo clinic can be claimed, with the code printed in this terminal.",
        f"Verdict sums: {rebuilt.verdict_sums_rows} clinic therapies with evidence.",
    ]


def demo_region_loaded() -> bool:
    return Clinic.objects.filter(is_demo=True).exists()
