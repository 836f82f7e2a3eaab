from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from caretime.core.places import describe_location
from caretime.directory.forms import ClinicSearchForm
from caretime.directory.selectors import clinic_for_page
from caretime.reports.bar import BarForm, bar_from_session, remember_search_radius
from caretime.reports.selectors import Sort, search_with_verdicts


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/home.html", {"form": ClinicSearchForm()})


def clinic_search(request: HttpRequest) -> HttpResponse:
    form = ClinicSearchForm.from_query(request.GET)
    if not form.is_valid():
        return render(request, "directory/results.html", {"form": form}, status=400)
    page_number = _page_number(request)
    if page_number is None:
        return render(request, "directory/results.html", {"form": form, "page_error": True}, status=400)
    sort = _sort(request)
    if sort is None:
        return render(request, "directory/results.html", {"form": form, "sort_error": True}, status=400)
    search = form.to_search()
    bar = bar_from_session(request)
    remember_search_radius(request, search.radius_miles)
    results = search_with_verdicts(search, bar=bar, sort=sort, as_of=timezone.now().date(), page=page_number)
    return render(
        request,
        "directory/results.html",
        {
            "form": form,
            "place": form.place,
            "results": results,
            "query": _query_without_page(request),
            "sort_query": _query_without_page(request, also="sort"),
            "bar_form": BarForm.for_bar(bar, request.get_full_path()),
        },
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


def _sort(request: HttpRequest) -> Sort | None:
    raw = request.GET.get("sort", Sort.DISTANCE.value)
    return Sort(raw) if raw in {s.value for s in Sort} else None


def _query_without_page(request: HttpRequest, also: str = "") -> str:
    params = request.GET.copy()
    params.pop("page", None)
    if also:
        params.pop(also, None)
    return params.urlencode()
