"""One error shape for every 4xx answer of the API: {"error": {"code", "message"}}."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_noop
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from caretime.accounts.auth import CsrfFailed, InvalidToken


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
        replaces: str | None = None,
    ) -> None:
        super().__init__(message)
        self.details = details or {}  # more members of the error object, e.g. "candidates"
        if replaces is not None:
            self.details["deprecated_code"] = replaces
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.fields = fields  # the request fields the message is about, when it names some


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


@dataclass(frozen=True)
class ErrorCode:
    """One word of the API's error vocabulary: the status it always comes with, when it is
    given, what a client should do, and the older codes it replaces (kept in the error as
    ``deprecated_code`` until the next API version)."""

    status: int
    when: str
    to_do: str
    replaces: tuple[str, ...] = ()


# The error vocabulary of every endpoint, and of the answers the framework and nginx give
# under /api/ (``ApiErrorShapeMiddleware``, deploy/nginx): the table docs/api.md shows (a test
# holds them equal), and what each status of each operation in the OpenAPI document says.
ERROR_CODES = {
    "invalid_input": ErrorCode(
        400,
        "A parameter or body field is missing, of the wrong type, out of range, in the wrong form (a month not "
        "written YYYY-MM, or one in the future), or cannot be true together with another; or the body is not "
        "JSON. `fields` names the fields.",
        "Fix the fields named, as the message says, and send the request again.",
        ("invalid_month", "contradictory_answers", "incomplete_facts", "report_refused"),
    ),
    "discipline_not_offered": ErrorCode(
        400,
        "The clinic is not listed for the therapy asked for.",
        "Ask about one of the clinic's `disciplines` (GET /clinics/{id}).",
    ),
    "unknown_insurance": ErrorCode(400, "No insurance plan has this slug.", "Leave `insurance` out, or fix the slug."),
    "ambiguous_place": ErrorCode(
        400,
        "Several states have a place of this name; `candidates` lists them.",
        "Ask your user which one they mean, and send its `near` back.",
    ),
    "unknown_place": ErrorCode(
        400,
        "No place of this name is known; `candidates` lists places spelt nearly the same.",
        "Send a ZIP code, or one of the `candidates`.",
        ("place_not_found",),
    ),
    "bad_request": ErrorCode(
        400,
        "The request could not be read before it reached the API (a header or cookie over 8 kB, a malformed "
        "request line).",
        "Send smaller headers and cookies.",
    ),
    "unauthenticated": ErrorCode(
        401,
        "The operation needs a signed-in person, and the request has no API token.",
        "Send your personal API token: `Authorization: Bearer ct_...`.",
    ),
    "invalid_token": ErrorCode(
        401,
        "The API token sent is unknown, revoked or expired.",
        "Make a new token on your account page and send that one.",
    ),
    "csrf_failed": ErrorCode(
        403,
        "A write with the browser session but without its CSRF token.",
        "Programs: send an API token instead of the session. Pages: reload and send again.",
        ("http_error",),
    ),
    "cross_site_request": ErrorCode(
        403,
        "A write a browser marks as coming from another website, without an API token.",
        "Send writes from your own program, with an API token.",
    ),
    "email_not_verified": ErrorCode(
        403,
        "The person has not verified their e-mail address.",
        "Verify the address with the code mailed at sign-up, then send again.",
    ),
    "not_claimant": ErrorCode(
        403,
        "The operation is for the person who speaks for the clinic (who claimed it), and the token or session is "
        "someone else's.",
        "Claim the clinic on its page first, or send the token of the person who claimed it.",
    ),
    "not_found": ErrorCode(
        404,
        "No clinic or report has this id, the page is past the last, or the address is not one of the API's.",
        "Check the id or the address; do not retry unchanged.",
    ),
    "method_not_allowed": ErrorCode(
        405, "The operation does not take this method.", "Use one of the methods the `Allow` header lists."
    ),
    "duplicate_report": ErrorCode(
        409, "The same report was sent before.", "Nothing: the first one is kept. Do not retry."
    ),
    "duplicate_review": ErrorCode(
        409, "The person has already reviewed this clinic.", "Edit the review on the site instead."
    ),
    "body_too_large": ErrorCode(413, "A body over 1 MB.", "Send less."),
    "uri_too_long": ErrorCode(414, "An address over 8 kB.", "Send a shorter address."),
    "unsupported_media_type": ErrorCode(
        415,
        "A write whose body is not sent as JSON.",
        "Send the body as JSON with `Content-Type: application/json`.",
    ),
    "rate_limited": ErrorCode(
        429,
        "A limit on what one client or account may send is reached.",
        "Wait the seconds `Retry-After` gives, then send again; do not retry sooner.",
    ),
    "internal_server_error": ErrorCode(
        500, "Something failed on our side.", "Try again later; if it lasts, tell us what you sent."
    ),
    "bad_gateway": ErrorCode(502, "The app servers could not be reached.", "Try again in a minute."),
    "service_unavailable": ErrorCode(503, "The site is not taking requests for a moment.", "Try again in a minute."),
    "maintenance": ErrorCode(
        503,
        "A write while the database is being restored from a backup: nothing was saved.",
        "Send it again after the seconds `Retry-After` gives.",
    ),
    "gateway_timeout": ErrorCode(504, "The app servers took too long to answer.", "Try again in a minute."),
}


# The checks of the API's schemas word their errors in English; these are the kinds a client
# meets, worded in the request's language (``ctx`` fills the numbers). The field names stay as
# the API spells them. Any other kind keeps the schema library's own words.
_PROBLEMS = {
    "missing": gettext_noop("is required"),
    "int_parsing": gettext_noop("must be a whole number"),
    "int_type": gettext_noop("must be a whole number"),
    "int_from_float": gettext_noop("must be a whole number"),
    "float_parsing": gettext_noop("must be a number"),
    "float_type": gettext_noop("must be a number"),
    "bool_parsing": gettext_noop("must be true or false"),
    "bool_type": gettext_noop("must be true or false"),
    "string_type": gettext_noop("must be text"),
    "string_too_short": gettext_noop("must have at least %(min_length)s characters"),
    "string_too_long": gettext_noop("must have at most %(max_length)s characters"),
    "greater_than_equal": gettext_noop("must be %(ge)s or more"),
    "less_than_equal": gettext_noop("must be %(le)s or less"),
    "greater_than": gettext_noop("must be more than %(gt)s"),
    "less_than": gettext_noop("must be less than %(lt)s"),
    "literal_error": gettext_noop("must be one of: %(expected)s"),
    "enum": gettext_noop("must be one of: %(expected)s"),
    "date_parsing": gettext_noop("must be a date, like 2026-11-30"),
    "date_from_datetime_parsing": gettext_noop("must be a date, like 2026-11-30"),
    "date_type": gettext_noop("must be a date, like 2026-11-30"),
    "extra_forbidden": gettext_noop("is not a field this accepts"),
    "json_invalid": gettext_noop("is not valid JSON"),
    "dict_type": gettext_noop("must be an object"),
    "model_attributes_type": gettext_noop("must be an object"),
    "list_type": gettext_noop("must be a list"),
}


def _problem(error: dict[str, Any]) -> str:
    template = _PROBLEMS.get(str(error.get("type", "")))
    if template is None:
        # Our own validators' messages, already in the request's language.
        return str(error.get("msg", gettext("is not valid"))).removeprefix("Value error, ")
    context = {name: str(value) for name, value in (error.get("ctx") or {}).items()}
    try:
        return gettext(template) % context
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", gettext("is not valid")))


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        where = ".".join(_location(error)) or gettext("request")
        parts.append(f"{where}: {_problem(error)}")
    return "; ".join(parts) or gettext("The request is not valid.")


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
        return api.create_response(request, error_body("not_found", str(exc) or gettext("Not found.")), status=404)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body("unauthenticated", gettext("Send your API token, or log in first.")),
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(InvalidToken)
    def _invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
        return _api_error(request, invalid_token())

    @api.exception_handler(CsrfFailed)
    def _csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
        return _api_error(request, ApiError(403, "csrf_failed", str(exc), replaces="http_error"))

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body(status_code(exc.status_code), str(exc)), status=exc.status_code)


def invalid_token() -> ApiError:
    """A token was sent and does not work (RFC 6750's ``invalid_token``)."""
    return ApiError(
        401,
        "invalid_token",
        gettext(
            "This API token does not work: it is unknown, revoked or expired. Make a new one on your account page."
        ),
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def status_code(status: int) -> str:
    """The error code of a status the framework answers by itself: its phrase, ``not_found``."""
    return HTTPStatus(status).phrase.lower().replace(" ", "_")


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


# What the OpenAPI document says about refusals: every operation declares each 4xx it can
# answer, with the error schema and an example per code. Each kind of refusal is described
# once, here; an operation lists the kinds it can give (``reads`` / ``writes``).


class PlaceCandidateOut(Schema):
    near: str = Field(description='A place to send back as `near`, e.g. "Portland, OR".')
    zip_codes: int


class ErrorDetailOut(Schema):
    code: str = Field(description="What went wrong, for programs: one of the codes listed under each status.")
    message: str = Field(description="The same in words, for people.")
    fields: list[str] | None = Field(
        None, description="The request fields the message is about, when it names some (left out otherwise)."
    )
    candidates: list[PlaceCandidateOut] | None = Field(
        None, description="Place errors only: the places `near` could be, largest or closest first."
    )
    deprecated_code: str | None = Field(
        None,
        description="The code this error had before the codes were made one vocabulary (e.g. `invalid_month`, "
        "now `invalid_input`); left out when it had the same. Deprecated: removed in the next API version.",
    )


class ErrorOut(Schema):
    error: ErrorDetailOut


@dataclass(frozen=True)
class Refusal:
    """One kind of refusal: its status, its code, when it is given and an example message;
    ``name`` tells its example apart from others of the same code."""

    status: int
    code: str
    when: str
    example: str
    extra: dict[str, Any] = dataclass_field(default_factory=dict)
    name: str = ""

    def __post_init__(self) -> None:
        # Every refusal speaks the one vocabulary: a code not in the table, or with another
        # status, fails as the module loads.
        if ERROR_CODES[self.code].status != self.status:
            raise ValueError(f"{self.code} is a {ERROR_CODES[self.code].status}, not a {self.status}")

    @property
    def example_name(self) -> str:
        return self.name or self.code

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.example, **self.extra)


# Answered by nginx (deploy/nginx/caretime-proxy.conf) before a request reaches the app, on
# every path under /api/: the JSON bodies there are these, byte for byte (a test holds them
# equal). 405 is nginx's answer to TRACE, which it refuses itself.
PROXY_REFUSALS = {
    400: Refusal(
        400,
        "bad_request",
        "The request could not be read before it reached the API: a header or cookie over 8 kB, or a malformed "
        "request line or header.",
        "The request could not be read: a header or cookie may be too large (at most 8 kB each).",
    ),
    405: Refusal(
        405,
        "method_not_allowed",
        "TRACE, on any path.",
        "TRACE is not allowed here; the Allow header lists the methods this site takes.",
    ),
    413: Refusal(413, "body_too_large", "A body over 1 MB.", "The request body is too large: at most 1 MB."),
    414: Refusal(414, "uri_too_long", "A request line over 8 kB.", "The address is too long: at most 8 kB."),
    502: Refusal(
        502,
        "bad_gateway",
        "The app servers could not be reached.",
        "The server is not answering right now. Try again in a minute.",
    ),
    503: Refusal(
        503,
        "service_unavailable",
        "The site is not taking requests for a moment.",
        "The site is unavailable for a moment. Try again in a minute.",
    ),
    504: Refusal(
        504,
        "gateway_timeout",
        "The app servers took too long to answer.",
        "The server took too long to answer. Try again in a minute.",
    ),
}

INVALID_INPUT = Refusal(
    400,
    "invalid_input",
    "A parameter or body field is missing, of the wrong type or out of range (`fields` names them), or the body "
    "is not JSON.",
    "radius_miles: Input should be less than or equal to 100",
    {"fields": ["radius_miles"]},
)
UNSUPPORTED_MEDIA_TYPE = Refusal(
    415,
    "unsupported_media_type",
    "A write whose body is not sent as application/json.",
    "Send the body as JSON with the header Content-Type: application/json (not text/plain).",
)
CROSS_SITE = Refusal(
    403,
    "cross_site_request",
    "A write a browser marks as coming from another website, without an API token.",
    "This request comes from another website. Send API writes from your own program, with an API token.",
)
UNAUTHENTICATED = Refusal(
    401, "unauthenticated", "No personal API token and no signed-in session.", "Send your API token, or log in first."
)
INVALID_TOKEN = Refusal(
    401,
    "invalid_token",
    "The personal API token sent is unknown, revoked or expired.",
    "This API token does not work: it is unknown, revoked or expired. Make a new one on your account page.",
)
CSRF_FAILED = Refusal(
    403,
    "csrf_failed",
    "A write with the browser session but without its CSRF token (before: `http_error`).",
    "The CSRF check failed: reload the page and try again.",
    {"deprecated_code": "http_error"},
)
EMAIL_NOT_VERIFIED = Refusal(
    403,
    "email_not_verified",
    "The person has no verified e-mail address.",
    "Verify your e-mail address before you report a visit.",
)
CLINIC_NOT_FOUND = Refusal(404, "not_found", "No clinic has this id.", "No clinic has the id 12.")
RATE_LIMITED = Refusal(
    429,
    "rate_limited",
    "A limit on reports is reached; Retry-After says in how many seconds to try again.",
    "Too many reports from this connection: try again in 40 minutes.",
)
NOT_OFFERED = Refusal(
    400,
    "discipline_not_offered",
    "The clinic is not listed for this therapy.",
    "This clinic is listed for pt, not slp.",
    {"fields": ["discipline"]},
)
INVALID_MONTH = Refusal(
    400,
    "invalid_input",
    "The month is not written YYYY-MM, or is in the future or too long ago (before: `invalid_month`).",
    "called_in must be a month written YYYY-MM, e.g. 2026-11.",
    {"fields": ["called_in"], "deprecated_code": "invalid_month"},
    name="invalid_month",
)
CONTRADICTORY = Refusal(
    400,
    "invalid_input",
    "Answers that cannot all be true; `fields` names them (before: `contradictory_answers`).",
    "Minutes with the therapist cannot be more than the visit's length.",
    {"fields": ["therapist_minutes", "visit_length_minutes"], "deprecated_code": "contradictory_answers"},
    name="contradictory_answers",
)
REPORT_REFUSED = Refusal(
    400,
    "invalid_input",
    "The report cannot be taken as sent; the message says what to fix (before: `report_refused`).",
    "Fix these and send the report again. text: Write at least 20 characters about the clinic.",
    {"fields": ["text"], "deprecated_code": "report_refused"},
    name="report_refused",
)
AMBIGUOUS_PLACE = Refusal(
    400,
    "ambiguous_place",
    "Several states have a place of this name; `candidates` lists them.",
    "Several places are called Portland: which one?",
    {"fields": ["near"], "candidates": [{"near": "Portland, OR", "zip_codes": 65}]},
)


UNKNOWN_PLACE = Refusal(
    400,
    "unknown_place",
    "No place of this name is known; `candidates` lists places spelt nearly the same.",
    "No place called Chicagp is known.",
    {"fields": ["near"], "candidates": [{"near": "Chicago, IL", "zip_codes": 60}]},
)


def _declared(refusals: tuple[Refusal, ...]) -> dict[str, Any]:
    by_status: dict[int, dict[str, Refusal]] = {}
    for refusal in (*PROXY_REFUSALS.values(), *refusals):
        if 400 <= refusal.status < 500 and refusal.status != 405:
            by_status.setdefault(refusal.status, {}).setdefault(refusal.example_name, refusal)
    response = dict.fromkeys(sorted(by_status), ErrorOut)
    described = {
        status: {
            "description": " ".join(_described(refusal) for refusal in kinds.values()),
            "content": {
                "application/json": {
                    "examples": {name: {"value": refusal.body()} for name, refusal in kinds.items()},
                }
            },
        }
        for status, kinds in sorted(by_status.items())
    }
    return {"response": response, "openapi_extra": {"responses": described}}


def _described(refusal: Refusal) -> str:
    return f"`{refusal.code}`: {refusal.when} To do: {ERROR_CODES[refusal.code].to_do}"


CACHE_HEADERS = {
    "ETag": {
        "description": "Send it back as If-None-Match: while nothing the answer is made of changed, the answer is "
        "a 304.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "When something the answer is made of last changed; If-Modified-Since takes it.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "public, max-age=N: the answer may be kept N seconds without asking again.",
        "schema": {"type": "string"},
    },
}
NOT_MODIFIED = {
    "description": "Not modified: the copy whose ETag (If-None-Match) or Last-Modified (If-Modified-Since) was "
    "sent is still current. No body; ETag, Last-Modified and Cache-Control as on a 200."
}


def reads(ok: dict[int, Any], *refusals: Refusal, conditional: bool = False) -> dict[str, Any]:
    """``response`` and ``openapi_extra`` for a reading operation's decorator: its answer, nginx's
    refusals (400, 413, 414) and ``refusals``, each status with the error schema and an example
    per code; with ``conditional``, the 304 of a conditional GET (``caretime.api.caching``)."""
    declared = _declared(refusals)
    declared["response"] = {**ok, **declared["response"]}
    if conditional:
        declared["response"][304] = None
        declared["openapi_extra"]["responses"][304] = NOT_MODIFIED
        declared["openapi_extra"]["responses"][200] = {"headers": CACHE_HEADERS}
    return declared


def writes(ok: dict[int, Any], *refusals: Refusal) -> dict[str, Any]:
    """As ``reads``, for a write: with the refusals of every write under /api/ (415 not JSON,
    403 from another website: ``ApiWritesOnlyFromApiClientsMiddleware``)."""
    return reads(ok, UNSUPPORTED_MEDIA_TYPE, CROSS_SITE, *refusals)
