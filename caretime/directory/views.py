from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caretime.directory.forms import ClinicSearchForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/home.html", {"form": ClinicSearchForm()})
