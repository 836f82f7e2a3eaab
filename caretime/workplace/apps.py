from django.apps import AppConfig


class WorkplaceConfig(AppConfig):
    name = "caretime.workplace"
    label = "workplace"
    verbose_name = "Workplace reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caretime.directory.demo import demo_clinics_removing
        from caretime.workplace import request_log
        from caretime.workplace.demo import forget_demo_clinics

        request_log.install()
        demo_clinics_removing.connect(forget_demo_clinics, dispatch_uid="caretime.workplace.demo")
