from django.apps import AppConfig


class SharedConfig(AppConfig):
    name = "caretime.shared"
    label = "shared"
    verbose_name = "Shared by the sources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The release's digest is read when the process starts, not in its first request; and
        # the receivers that write what a request shares once it is answered are connected.
        from caretime.shared.kept_everywhere import release

        release()
