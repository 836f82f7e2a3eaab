from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from caretime.directory.forms import ClinicSearchForm, LocationForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/home.html", {"form": ClinicSearchForm()})


# Exempt from CSRF because it changes nothing: it reads two numbers and answers with a
# redirect to a search anyone can open. A token would put a cookie on every visitor of the
# home page (whose search form is a GET form, so the token would also land in search URLs).
@csrf_exempt
@require_POST
@sensitive_post_parameters("latitude", "longitude")  # error reports show them as stars
def search_from_location(request: HttpRequest) -> HttpResponse:
    """ "Use my location": the coordinates come in a POST body, which no access log writes,
    and leave as the nearest ZIP code, so that the search URL that is logged, bookmarked and
    kept in the browser's history holds what a person could have typed (docs/privacy.md)."""
    form = LocationForm(request.POST)
    if not form.is_valid():
        search = ClinicSearchForm(
            initial={name: request.POST.get(name, "") for name in ("radius_miles", "discipline", "insurance")}
        )
        return render(
            request, "directory/home.html", {"form": search, "location_error": form.first_error()}, status=400
        )
    response = redirect(f"{reverse('clinic-search')}?{form.search_query()}")
    response.status_code = 303  # "see other": the browser asks for the search with GET
    return response
