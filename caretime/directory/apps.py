from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "caretime.directory"
    label = "directory"
    verbose_name = "Clinic directory"
