from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "caretime.directory"
    label = "directory"
    verbose_name = "Clinic directory"

    def ready(self) -> None:
        # Connect the receivers that start a new directory generation when a clinic is saved
        # (geo_index), that keep a saved row's open data id (public_ids) and that tell the
        # reviews when a roster gains a clinician (rosters).
        from caretime.directory import geo_index, public_ids, rosters  # noqa: F401
