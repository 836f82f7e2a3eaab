from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from caretime.api.errors import error_body, status_code

API_PREFIX = "/api/"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ApiWritesOnlyFromApiClientsMiddleware:
    """A write to the API is never a cross-site form post.

    Browsers let any web page send a "simple" request (a form's content types, no custom
    headers) to any site, with the visitor's cookies and from the visitor's address; so a
    write under /api/ must be JSON, which a page elsewhere can only send after a CORS
    preflight that we never answer, and a request the browser marks as coming from another
    site (``Sec-Fetch-Site``, else an ``Origin`` that is not ours) is refused unless it carries
    an API token, which no browser adds by itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and request.method not in _SAFE_METHODS:
            refused = _refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    length = request.META.get("CONTENT_LENGTH") or "0"
    media_type = request.content_type or ""
    if (not length.isdigit() or int(length) > 0) and media_type != "application/json":
        return JsonResponse(
            error_body(
                "unsupported_media_type",
                gettext("Send the body as JSON with the header Content-Type: application/json (not %(sent)s).")
                % {"sent": media_type or gettext("nothing")},
            ),
            status=415,
        )
    if request.headers.get("Authorization", "").lower().startswith("bearer ") or not _cross_site(request):
        return None
    return JsonResponse(
        error_body(
            "cross_site_request",
            gettext(
                "This request comes from another website. Send API writes from your own program, with an API token."
            ),
        ),
        status=403,
    )


def _cross_site(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin == "null"  # no Origin: not a browser's cross-site request; "null": an opaque one
    return origin != f"{request.scheme}://{request.get_host()}" and origin not in settings.CSRF_TRUSTED_ORIGINS


# Headers of an error answer that say what to do next, kept when it is reshaped.
_KEPT_HEADERS = ("Allow", "Retry-After")


class ApiErrorShapeMiddleware:
    """Every error under /api/ (4xx and 5xx) in the API's one error shape, even those the
    framework answers by itself before an endpoint runs (a method not allowed, a host not
    allowed, a server error's HTML page). nginx answers its own in the same shape
    (deploy/nginx/caretime-proxy.conf)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or not 400 <= response.status_code < 600
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = HTTPStatus(response.status_code)
        shaped = JsonResponse(
            error_body(
                status_code(response.status_code),
                gettext("%(status)s: %(method)s %(path)s.")
                % {"status": status.phrase, "method": request.method, "path": request.path},
            ),
            status=response.status_code,
        )
        for name in _KEPT_HEADERS:
            if response.has_header(name):
                shaped[name] = response[name]
        return shaped


# A person's own answers (GET /api/v1/me/...) stay closed to other sites.
_PERSONAL_PREFIX = "/api/v1/me/"
_OPEN_READS = frozenset({"GET", "HEAD"})
# What a browser app on another site may send with a read: the language, and the validators
# of its copy (conditional GETs); never Authorization, and never cookies (no credentials).
_READ_HEADERS = "Accept-Language, If-None-Match, If-Modified-Since"
# Response headers such an app may read besides those every browser shows (Cache-Control,
# Content-Language, Content-Type, Last-Modified, ...).
_EXPOSED = "ETag, Retry-After"
PREFLIGHT_SECONDS = 86400


class ReadsOpenToOtherSitesMiddleware:
    """Browser apps on other sites may read the public API (CORS without credentials): every
    GET and HEAD under /api/ except a person's own answers is marked readable by any origin,
    and a preflight for such a read is answered. Writes are not opened: their preflight goes on
    to the API, which answers it 405 without CORS headers, so a browser never sends them (and
    ``ApiWritesOnlyFromApiClientsMiddleware`` refuses one sent without a preflight)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) or request.path.startswith(_PERSONAL_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method") in _OPEN_READS:
            preflight = HttpResponse(status=204)
            preflight["Access-Control-Allow-Origin"] = "*"
            preflight["Access-Control-Allow-Methods"] = "GET, HEAD"
            preflight["Access-Control-Allow-Headers"] = _READ_HEADERS
            preflight["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
            return preflight
        response = self.get_response(request)
        if request.method in _OPEN_READS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = _EXPOSED
        return response
