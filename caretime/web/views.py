from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from caretime.api.errors import error_body


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # API clients get the API's one error shape, even for paths no endpoint matches.
        return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)
    return render(request, "web/404.html", status=404)
