from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from caretime.api.errors import error_body

API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    """Every 4xx under /api/ in the API's one error shape, even those the framework answers
    by itself before an endpoint runs (a method not allowed, say)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or not 400 <= response.status_code < 500
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = HTTPStatus(response.status_code)
        shaped = JsonResponse(
            error_body(status.phrase.lower().replace(" ", "_"), f"{status.phrase}: {request.method} {request.path}."),
            status=response.status_code,
        )
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped
