from django.apps import AppConfig
from django.db.models.signals import post_save


class ReportsConfig(AppConfig):
    name = "caretime.reports"
    label = "reports"
    verbose_name = "Reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caretime.accounts.audit import report_decided
        from caretime.directory.demo import demo_clinics_removing
        from caretime.reports.demo import forget_demo_clinics
        from caretime.reports.models import ModerationDecision

        # Every moderator's decision on a held report goes to the admin log too.
        post_save.connect(report_decided, sender=ModerationDecision, dispatch_uid="caretime.reports.audit")
        demo_clinics_removing.connect(forget_demo_clinics, dispatch_uid="caretime.reports.demo")
