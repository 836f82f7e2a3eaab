from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class VerdictsConfig(AppConfig):
    """Every source of evidence about a clinic, judged under the person's bar, and the pages
    that show it. Sits above the evidence sources (reports, billing) and imports them; none
    of them imports it."""

    name = "caretime.verdicts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_fill_missing_sums, sender=self)
        # Connect the receivers that start a new evidence generation when a row the clinic page
        # keeps beside the evidence is written (reviews, claims, schedules, releases).
        from caretime.verdicts import clinic_page  # noqa: F401


def _fill_missing_sums(**kwargs: Any) -> None:
    """A database upgraded to the release that brought the stored sums has clinics and no
    sums yet: fill them once every migration has run. Not a data migration: it runs the
    evidence path of the code as it is, which expects the newest tables."""
    from caretime.directory.models import Clinic
    from caretime.verdicts.models import VerdictSums
    from caretime.verdicts.sums import rebuild_verdict_sums

    migrated = kwargs.get("apps")  # the state migrate left (a partial migrate may stop short); none after flush
    try:
        if migrated is not None:
            migrated.get_model("verdicts", "VerdictSums")
    except LookupError:
        return
    if kwargs.get("using", "default") == "default" and not VerdictSums.objects.exists() and Clinic.objects.exists():
        rebuild_verdict_sums()
