from django.apps import AppConfig
from django.utils import translation

from caretime.core import wording


class WebConfig(AppConfig):
    name = "caretime.web"
    label = "web"

    def ready(self) -> None:
        # The core's sentences are worded in the language of the request that shows them.
        wording.install(translation)
