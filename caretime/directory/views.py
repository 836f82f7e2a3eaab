from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from caretime.core.places import describe_location
from caretime.directory.forms import ClinicSearchForm
from caretime.directory.selectors import clinic_for_page, search_clinics


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/home.html", {"form": ClinicSearchForm()})


def clinic_search(request: HttpRequest) -> HttpResponse:
    form = ClinicSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "directory/results.html", {"form": form}, status=400)
    page_number = _page_number(request)
    if page_number is None:
        return render(request, "directory/results.html", {"form": form, "page_error": True}, status=400)
    results = search_clinics(form.to_search(), page=page_number)
    return render(
        request,
        "directory/results.html",
        {"form": form, "place": form.place, "results": results, "query": _query_without_page(request)},
    )


def clinic_detail(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = clinic_for_page(clinic_id)
    if clinic is None:
        raise Http404("No clinic with that number.")
    place_description = describe_location(clinic.point, clinic.city, clinic.state, clinic.zip_code)
    return render(request, "directory/clinic.html", {"clinic": clinic, "place_description": place_description})


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 10_000 else None


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
