from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "caretime.directory"
    label = "directory"
    verbose_name = "Clinic directory"

    def ready(self) -> None:
        # Connects the receivers that start a new directory generation when a clinic is saved.
        from caretime.directory import geo_index  # noqa: F401
