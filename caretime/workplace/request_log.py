"""Request logs keep no client address for worker reports.

A worker report row holds nothing about its sender, but a log line "203.0.113.7 POST
/api/v1/worker-reports" would tie a network address to the moment a report arrived. So the
submission paths are logged without the address, browser or referrer: in Django's own
request loggers (``DropSenderFilter``, installed by the app) and in gunicorn's access log
(``AccessLogger``: ``gunicorn --logger-class caretime.workplace.request_log.AccessLogger``).
A reverse proxy in front keeps its own log: docs/operations.md says how to exclude them there.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.http import HttpRequest
from gunicorn.glogging import Logger

WORKER_REPORT_PATH = re.compile(r"^/(?:api/v1/worker-reports|clinics/\d+/[a-z]+/workplace-report/)")
# gunicorn's access-log atoms that describe the sender: address, user, browser, referrer;
# every request header (``{name}i``) too, which includes X-Forwarded-For and cookies.
_SENDER_ATOMS = ("h", "u", "a", "f")


def is_worker_report_path(path: str) -> bool:
    return bool(WORKER_REPORT_PATH.match(path))


class DropSenderFilter(logging.Filter):
    """Strips the request from Django's log records about worker report paths (a handler such
    as the admin e-mails would otherwise print its address and headers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            if is_worker_report_path(request.path):
                record.request = None
        elif request is not None and record.args and is_worker_report_path(_request_line_path(record.args)):
            # django.server (runserver) attaches its socket, whose address is the client's.
            record.request = None
        return True


def _request_line_path(args: Any) -> str:
    line = args[0] if isinstance(args, tuple) and args and isinstance(args[0], str) else ""
    parts = line.split()
    return parts[1] if len(parts) > 1 else ""


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with the sender's atoms blanked on worker report paths."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        if is_worker_report_path(str(environ.get("PATH_INFO", ""))):
            for key in list(atoms):
                if key in _SENDER_ATOMS or (key.startswith("{") and key.endswith("}i")):
                    atoms[key] = "-"
        return atoms


def install() -> None:
    for name in ("django.request", "django.server", "django.security"):
        logging.getLogger(name).addFilter(DropSenderFilter())
