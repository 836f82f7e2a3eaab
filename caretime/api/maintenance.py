"""While the database served is being restored, every write is answered 503 with Retry-After:
the API in its error shape, pages with a plain page (caretime.web.maintenance)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from caretime.api.errors import error_body
from caretime.api.middleware import API_PREFIX
from caretime.web.maintenance import READS, RETRY_AFTER_SECONDS, paused_page, writes_paused


class WritesPausedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in READS or not writes_paused():
            return self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return paused_page(request)
        response = JsonResponse(
            error_body(
                "maintenance",
                gettext(
                    "The database is being restored from a backup, so nothing can be saved for a moment. Nothing "
                    "you sent was saved: send it again in a minute."
                ),
            ),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
