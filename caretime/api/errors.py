"""One error shape for every 4xx answer of the API: {"error": {"code", "message"}}."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        fields: list[str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.details = details or {}  # more members of the error object, e.g. "candidates"
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.fields = fields  # the request fields the message is about, when it names some


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        where = ".".join(_location(error)) or "request"
        parts.append(f"{where}: {error.get('msg', 'is not valid')}")
    return "; ".join(parts) or "The request is not valid."


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        extra = {"fields": exc.fields} if exc.fields else {}
        extra.update(exc.details)
        response = api.create_response(request, error_body(exc.code, exc.message, **extra), status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("invalid_input", _describe(list(exc.errors)), fields=_fields(exc.errors)),
            status=400,
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", str(exc) or "Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, error_body("unauthenticated", "Log in first."), status=401)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


def _fields(errors: Any) -> list[str]:
    names = []
    for error in errors:
        location = _location(error)
        if location:
            names.append(".".join(location))
    return names


def _location(error: Any) -> list[str]:
    """Where the error is, as the client sees it: ("body", "report", "minutes") is the
    request body's "minutes"; ninja's name for the body parameter is not in the request."""
    loc = [str(part) for part in error.get("loc", [])]
    if len(loc) >= 3 and loc[0] == "body":
        loc = loc[2:]
    return [part for part in loc if part not in ("query", "body", "path")]
