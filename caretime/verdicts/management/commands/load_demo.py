from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caretime.billing.demo import build_demo_billing
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic
from caretime.progress import progress_reporter
from caretime.reports.demo import build_demo_call_reports, build_demo_visit_reports
from caretime.reports.models import CallReport, VisitReport
from caretime.reports.services import delete_visit_report
from caretime.reviews.demo import build_demo_reviews
from caretime.reviews.models import Review
from caretime.reviews.services import delete_review
from caretime.verdicts.sums import rebuild_verdict_sums
from caretime.workplace.demo import build_demo_worker_reports
from caretime.workplace.models import WorkerReport


class Command(BaseCommand):
    help = "Replace the demo region (invented clinics, always labelled as demo) with one built from a seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="The same seed builds the same region (default 1).")
        parser.add_argument("--clinics", type=int, default=300, help="How many clinics (default 300).")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when a demo region is already loaded (keeps what was entered on it).",
        )
        parser.add_argument(
            "--discard-people-reports",
            action="store_true",
            help="Rebuild even though people filed reports about demo clinics: those reports are deleted.",
        )

    def handle(
        self, *args: Any, seed: int, clinics: int, if_missing: bool, discard_people_reports: bool, **options: Any
    ) -> None:
        if clinics < 1:
            raise CommandError("--clinics must be at least 1.")
        if if_missing and Clinic.objects.filter(is_demo=True).exists():
            # A region loaded before a kind of report existed: add that kind, keep the rest.
            today = timezone.now().date()
            if not CallReport.objects.filter(is_demo=True).exists():
                calls = build_demo_call_reports(seed=seed, today=today)
                self.stdout.write(f"Added {calls} demo call reports to the demo region already loaded.")
            if not VisitReport.objects.filter(is_demo=True).exists():
                visits = build_demo_visit_reports(seed=seed, today=today)
                self.stdout.write(f"Added {visits} demo visit reports to the demo region already loaded.")
            if not WorkerReport.objects.filter(is_demo=True).exists():
                workers = build_demo_worker_reports(seed=seed, today=today)
                self.stdout.write(f"Added {workers} demo worker reports to the demo region already loaded.")
            if not Review.objects.filter(is_demo=True).exists():
                reviews = build_demo_reviews(seed=seed, today=today)
                self.stdout.write(f"Added {reviews} demo reviews to the demo region already loaded.")
            rebuild_verdict_sums()  # the demo builders write reports in bulk, past the services
            self.stdout.write("A demo region is already loaded; run load_demo without --if-missing to rebuild it.")
            return
        # Rebuilding replaces the demo clinics, and with them every report about them: never
        # silently for reports people filed (trying the demo, say), which are theirs.
        filed = (
            CallReport.objects.filter(clinic__is_demo=True, is_demo=False).count()
            + VisitReport.objects.filter(clinic__is_demo=True, is_demo=False).count()
            + WorkerReport.objects.filter(clinic__is_demo=True, is_demo=False).count()
            + Review.objects.filter(clinic__is_demo=True, is_demo=False).count()
        )
        if filed and not discard_people_reports:
            raise CommandError(
                f"People filed {filed} reports about demo clinics; rebuilding the demo region would delete them. "
                "Keep the region (load_demo --if-missing), or rebuild with --discard-people-reports to delete them."
            )
        if filed:
            # Deleted through the service, so that no Care Time sum keeps them.
            for review in Review.objects.filter(clinic__is_demo=True, is_demo=False):
                delete_review(review)
            for report in VisitReport.objects.filter(clinic__is_demo=True, is_demo=False):
                delete_visit_report(report)
        with progress_reporter(self.stdout, "Building the demo region") as progress:
            summary = build_demo_region(seed=seed, clinics=clinics, progress=progress)
            calls = build_demo_call_reports(seed=seed, today=timezone.now().date(), progress=progress)
            visits = build_demo_visit_reports(seed=seed, today=timezone.now().date(), progress=progress)
            workers = build_demo_worker_reports(seed=seed, today=timezone.now().date(), progress=progress)
            reviews = build_demo_reviews(seed=seed, today=timezone.now().date())
        self.stdout.write(
            f"Demo region (seed {seed}): {summary.clinics} clinics, {summary.organizations} organisations, "
            f"{summary.clinicians} clinicians, {calls} call reports, {visits} visit reports, {workers} worker reports, {reviews} reviews. Every page labels "
            "them as demo data."
        )
        billing = build_demo_billing(seed=seed)
        self.stdout.write(
            f"Demo Medicare billing {billing.year}: {billing.clinicians} clinicians, {billing.clinics} clinics."
        )
        # The demo builders write reports in bulk, past the services that keep the sums.
        sums = rebuild_verdict_sums()
        self.stdout.write(f"Verdict sums: {sums} clinic therapies with evidence.")
