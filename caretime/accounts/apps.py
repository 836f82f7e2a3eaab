from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caretime.accounts"
    label = "accounts"
    verbose_name = "Contributor accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caretime.accounts import checks  # noqa: F401 - checks registers itself
