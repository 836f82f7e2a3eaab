from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "caretime.datasets"
    verbose_name = "Public data sets"
    default_auto_field = "django.db.models.BigAutoField"
