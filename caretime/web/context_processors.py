from __future__ import annotations

from django.http import HttpRequest

from caretime.directory.models import Clinic


def site(request: HttpRequest) -> dict[str, object]:
    # Demo data is labelled on every page while any of it is loaded, so no screenshot
    # of the site can pass invented clinics off as real ones.
    return {"demo_data_loaded": Clinic.objects.filter(is_demo=True).exists()}
