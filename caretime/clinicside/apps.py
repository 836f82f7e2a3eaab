from django.apps import AppConfig


class ClinicSideConfig(AppConfig):
    name = "caretime.clinicside"
    label = "clinicside"
    verbose_name = "The clinic's side"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caretime.clinicside.senders import check_sender

        # A sender that cannot be loaded stops start-up, not the first claim.
        check_sender()
