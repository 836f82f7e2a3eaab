"""The open data addresses: FHIR R4 under /fhir/R4/, HSDS 3.0 under /hsds/, and the page of
data releases. Read-only and anonymous: no session, no cookie, nothing about the reader kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from caretime.core.evidence import MIN_PEOPLE_FOR_A_FIGURE
from caretime.core.workplace import MIN_CLINICIAN_REPORTS
from caretime.opendata import fhir, hsds
from caretime.opendata.capability import capability_statement
from caretime.opendata.export import releases
from caretime.opendata.fhir_search import SEARCHES, FhirError, SearchSpec, operation_outcome, parse

FHIR_JSON = "application/fhir+json; charset=utf-8"


def _fhir(data: dict[str, object], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, allow_nan=False), content_type=FHIR_JSON, status=status
    )
    # Open data, read by apps in browsers too; nothing here depends on who asks.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/R4").rstrip("/")


def fhir_view(view: Callable[..., dict[str, object]]) -> Callable[..., HttpResponse]:
    """A FHIR answer, or its refusal as an OperationOutcome; only GET and HEAD."""

    @require_safe
    def answer(request: HttpRequest, **kwargs: str) -> HttpResponse:
        try:
            return _fhir(view(request, **kwargs))
        except FhirError as error:
            return _fhir(operation_outcome(error), status=error.status)

    return answer


def _not_found(resource_type: str, key: str) -> FhirError:
    return FhirError(404, "not-found", gettext("No %(type)s has the id %(id)s.") % {"type": resource_type, "id": key})


@fhir_view
def metadata(request: HttpRequest) -> dict[str, object]:
    return capability_statement(_base(request), timezone.now().date())


@fhir_view
def code_system(request: HttpRequest, key: str) -> dict[str, object]:
    if key != fhir.RATING_CODE_SYSTEM_ID:
        raise _not_found("CodeSystem", key)
    return fhir.rating_code_system(_base(request), timezone.now().date())


def _served(resource_type: str) -> SearchSpec:
    spec = SEARCHES.get(resource_type)
    if spec is None:
        raise FhirError(
            404,
            "not-supported",
            gettext("This server does not serve %(type)s; see /fhir/R4/metadata.") % {"type": resource_type},
        )
    return spec


@fhir_view
def search(request: HttpRequest, resource_type: str) -> dict[str, object]:
    spec = _served(resource_type)
    query = parse(request.GET, spec)
    base = _base(request)
    found = spec.run(query, base, timezone.now().date())
    kept = {name: value for name, value in request.GET.lists() if name != "_offset"}
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if query.offset + query.count < found.total:
        params = urlencode({**kept, "_offset": [str(query.offset + query.count)]}, doseq=True)
        links.append({"relation": "next", "url": f"{base}/{resource_type}?{params}"})
    entries = [
        {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": mode}}
        for mode, resources in (("match", found.matches), ("include", found.included))
        for r in resources
    ]
    return {"resourceType": "Bundle", "type": "searchset", "total": found.total, "link": links, "entry": entries}


@fhir_view
def read(request: HttpRequest, resource_type: str, key: str) -> dict[str, object]:
    spec = _served(resource_type)
    if request.GET:
        raise FhirError(400, "not-supported", gettext("A read takes no parameters."))
    found = spec.read(key, _base(request), timezone.now().date())
    if found is None:
        raise _not_found(resource_type, key)
    return found


# --- HSDS ----------------------------------------------------------------------------------


def hsds_view(view: Callable[..., dict[str, object]]) -> Callable[..., HttpResponse]:
    @require_safe
    def answer(request: HttpRequest, **kwargs: str) -> HttpResponse:
        try:
            response = JsonResponse(view(request, **kwargs), json_dumps_params={"ensure_ascii": False})
        except hsds.HsdsError as error:
            response = JsonResponse({"error": {"code": error.code, "message": error.message}}, status=error.status)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return answer


@hsds_view
def hsds_root(request: HttpRequest) -> dict[str, object]:
    return hsds.about()


@hsds_view
def hsds_list(request: HttpRequest, kind: str) -> dict[str, object]:
    return hsds.listing(kind, request.GET, as_of=timezone.now().date())


@hsds_view
def hsds_service(request: HttpRequest, key: str) -> dict[str, object]:
    return hsds.full_service(key, as_of=timezone.now().date())


# --- the releases ---------------------------------------------------------------------------

_RELEASE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def open_data(request: HttpRequest) -> HttpResponse:
    """The page of open data releases: the newest to download first, then what is in them."""
    return render(
        request,
        "opendata/data.html",
        {
            "releases": releases(settings.OPEN_DATA_DIR),
            "minimum_people": MIN_PEOPLE_FOR_A_FIGURE,
            "minimum_clinicians": MIN_CLINICIAN_REPORTS,
        },
    )


@require_safe
def release_file(request: HttpRequest, release: str, name: str) -> FileResponse:
    """One file of a release, by the name its folder gives it: nothing else under the folder."""
    folder = settings.OPEN_DATA_DIR / release
    listed = (
        {path.name for path in folder.iterdir() if path.is_file()}
        if _RELEASE.match(release) and folder.is_dir()
        else set()
    )
    if name not in listed:
        raise Http404(gettext("No such file in the open data releases."))
    response = FileResponse((folder / name).open("rb"), as_attachment=True, filename=name)
    response["Access-Control-Allow-Origin"] = "*"
    return response
