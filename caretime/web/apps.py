from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "caretime.web"
    label = "web"
