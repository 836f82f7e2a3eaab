"""How long a client may keep an answer, and conditional GETs: a client that sends back the
``ETag`` (``If-None-Match``) or ``Last-Modified`` (``If-Modified-Since``) of its copy gets a
304 with no body while nothing the answer is made of has changed.

The validators are made from what an answer is made of, not from the answer, so a 304 costs
no more than reading two numbers from the cache: the directory's generation (every import,
restore and change to a clinic starts a new one), the evidence's generation (every write of
evidence and every rebuild of the derived tables, ``caretime.shared.evidence_generation.EVIDENCE``),
the day (a verdict ages), the language and the address asked for. Each generation is the
time it started, which is the answer's Last-Modified. It is the same for every clinic, so it
says when something changed somewhere, never which clinic had a report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language

from caretime.datasets.models import DataRelease
from caretime.directory.search_cache import directory_generation
from caretime.shared.evidence_generation import EVIDENCE

# How long an answer may be kept without asking again (Cache-Control max-age), by what it is
# made of: evidence changes with any report, the directory with an import, releases monthly.
EVIDENCE_SECONDS = 60
DIRECTORY_SECONDS = 300
RELEASES_SECONDS = 3600


@dataclass(frozen=True)
class Version:
    """What an answer is made of (any change to ``parts`` is a new ETag), when it last changed,
    and how long a copy may be kept."""

    parts: tuple[object, ...]
    modified: datetime | None
    seconds: int


def _from_ns(generation: int) -> datetime:
    return datetime.fromtimestamp(generation / 1e9, tz=UTC)


def directory_version() -> Version:
    generation = directory_generation()
    return Version((generation,), _from_ns(generation), DIRECTORY_SECONDS)


def evidence_version() -> Version:
    directory, evidence = directory_generation(), EVIDENCE.current()
    today = timezone.now().date()
    # At midnight a verdict may change with nothing written (evidence ages): the day is part of
    # it, and its start is the latest change when that is later than both generations.
    day_start = datetime.combine(today, time.min, tzinfo=UTC)
    modified = max(_from_ns(directory), _from_ns(evidence), day_start)
    return Version((directory, evidence, today.isoformat()), modified, EVIDENCE_SECONDS)


def releases_version() -> Version:
    found = DataRelease.objects.aggregate(count=Count("id"), newest=Max("imported_at"), last=Max("id"))
    return Version((found["count"], found["last"], found["newest"]), found["newest"], RELEASES_SECONDS)


def not_modified(request: HttpRequest, response: HttpResponse, version: Version) -> HttpResponse | None:
    """Puts the validators and Cache-Control on ``response`` (the operation's answer); returns a
    304 carrying them when the client's copy is current, else None (answer as usual)."""
    digest = hashlib.sha256(repr((version.parts, get_language(), request.get_full_path())).encode()).hexdigest()
    headers = {"ETag": f'"{digest[:32]}"', "Cache-Control": f"public, max-age={version.seconds}"}
    if version.modified is not None:
        headers["Last-Modified"] = http_date(version.modified.timestamp())
    for name, value in headers.items():
        response[name] = value
    if not _current(request, headers["ETag"], version.modified):
        return None
    unchanged = HttpResponseNotModified()
    for name, value in headers.items():
        unchanged[name] = value
    return unchanged


def _current(request: HttpRequest, etag: str, modified: datetime | None) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    sent = request.headers.get("If-None-Match")
    if sent is not None:  # it decides alone when sent (RFC 9110, 13.2.2); compared weakly
        tags = {tag.removeprefix("W/") for tag in parse_etags(sent)}
        return "*" in tags or etag in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return modified is not None and since is not None and int(modified.timestamp()) <= since


def no_store(response: HttpResponse) -> None:
    """A person's own answer: kept by no cache."""
    response["Cache-Control"] = "private, no-store"
