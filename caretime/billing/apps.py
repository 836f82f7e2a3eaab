from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "caretime.billing"
    label = "billing"
    verbose_name = "Medicare billing"
