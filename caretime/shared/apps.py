from django.apps import AppConfig


class SharedConfig(AppConfig):
    name = "caretime.shared"
    label = "shared"
    verbose_name = "Shared by the sources"
    default_auto_field = "django.db.models.BigAutoField"
