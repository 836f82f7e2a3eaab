from __future__ import annotations

from django.http import HttpRequest

from caretime.directory.models import Clinic
from caretime.web.language import alternates


def site(request: HttpRequest) -> dict[str, object]:
    # Demo data is labelled on every page while any of it is loaded, so no screenshot
    # of the site can pass invented clinics off as real ones.
    return {"demo_data_loaded": Clinic.objects.filter(is_demo=True).exists()}


def languages(request: HttpRequest) -> dict[str, object]:
    # The page in every language, for the switch and the hreflang links of base.html.
    return {"language_alternates": alternates(request)}
