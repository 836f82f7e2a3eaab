from django.apps import AppConfig


class ClinicSideConfig(AppConfig):
    name = "caretime.clinicside"
    label = "clinicside"
    verbose_name = "The clinic's side"
    default_auto_field = "django.db.models.BigAutoField"
