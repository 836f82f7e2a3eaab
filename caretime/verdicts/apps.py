from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    """Every source of evidence about a clinic, judged under the person's bar, and the pages
    that show it. Sits above the evidence sources (reports, billing) and imports them; none
    of them imports it."""

    name = "caretime.verdicts"
    default_auto_field = "django.db.models.BigAutoField"
