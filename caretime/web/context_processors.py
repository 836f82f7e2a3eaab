from __future__ import annotations

from django.http import HttpRequest

from caretime.core.kept import Kept
from caretime.directory.models import Clinic
from caretime.directory.search_cache import directory_generation
from caretime.web.language import alternates

# Whether demo clinics are loaded, per directory generation: a clinic's demo mark changes only
# when clinics are saved, loaded or removed, and each of those starts a new generation, so
# every page of a generation needs no query to say it.
_demo_loaded: Kept[bool] = Kept(2)


def site(request: HttpRequest) -> dict[str, object]:
    # Demo data is labelled on every page while any of it is loaded, so no screenshot
    # of the site can pass invented clinics off as real ones.
    generation = directory_generation()  # before the clinics are read: they are of it or newer
    loaded = _demo_loaded.get(generation)
    if loaded is None:
        loaded = Clinic.objects.filter(is_demo=True).exists()
        _demo_loaded.put(generation, loaded)
    return {"demo_data_loaded": loaded}


def languages(request: HttpRequest) -> dict[str, object]:
    # The page in every language, for the switch and the hreflang links of base.html.
    return {"language_alternates": alternates(request)}
