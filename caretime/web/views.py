from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from caretime.web.methodology import methodology_html


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


def methodology(request: HttpRequest) -> HttpResponse:
    # The document is ours and rendered with raw HTML turned off.
    return render(request, "web/methodology.html", {"document": mark_safe(methodology_html())})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)
