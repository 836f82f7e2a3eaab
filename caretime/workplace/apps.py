from django.apps import AppConfig


class WorkplaceConfig(AppConfig):
    name = "caretime.workplace"
    label = "workplace"
    verbose_name = "Workplace reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caretime.workplace import request_log

        request_log.install()
