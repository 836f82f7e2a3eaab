from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The directory and its verdicts in the open formats others read: FHIR R4 (Plan-Net),
    Open Referral HSDS 3.0, and a data package for download. Read-only, and read through the
    one evidence path (``caretime.verdicts``), so that no format can disagree with the pages."""

    name = "caretime.opendata"
    default_auto_field = "django.db.models.BigAutoField"
