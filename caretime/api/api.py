from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI

from caretime.api.billing import router as billing_router
from caretime.api.clinics import router as clinics_router
from caretime.api.errors import install_error_handlers
from caretime.api.releases import router as releases_router
from caretime.api.reports import router as reports_router
from caretime.api.reviews import router as reviews_router
from caretime.api.schedules import router as schedules_router
from caretime.api.visits import router as visits_router
from caretime.api.workplace import router as workplace_router

# docs_url=None: the interactive docs page loads its scripts from a CDN, which our
# pages never do. The OpenAPI document itself is served at /api/v1/openapi.json.
api = NinjaAPI(
    title="caretime API",
    version="1",
    description="Clinics, their care time and the evidence behind it. Every 4xx answer has the shape "
    '{"error": {"code": ..., "message": ...}}.',
    docs_url=None,
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/", clinics_router)
api.add_router("/", reports_router)
api.add_router("/", visits_router)
api.add_router("/", billing_router)
api.add_router("/", workplace_router)
api.add_router("/", reviews_router)
api.add_router("/", releases_router)
api.add_router("/", schedules_router)


@api.get("/health", include_in_schema=False)
def health(request: HttpRequest) -> JsonResponse:
    """A trivial answer: used by load balancers and as the benchmark's baseline."""
    return JsonResponse({"status": "ok"})
