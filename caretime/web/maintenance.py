"""The maintenance switch: while the database served is being replaced, every write waits.

``restore --replace`` over the database served switches it on before it backs that database
up, and off once the restore is done or has failed. While it is on, every request that is not
a GET, HEAD or OPTIONS is answered 503 with Retry-After (``caretime.api.maintenance``), so no
report is answered 201 and then lost: one written after the backup taken before the restore
would be in neither that backup nor the restored database.

Where the switch lives: in the shared cache, which every app server reads on every write.
Redis (REDIS_URL) is not touched by the restore, so the switch holds throughout. Without Redis
the cache is a table of the database being replaced: there the switch holds until the restore
commits, and what is written after that goes into the restored database, where it stays.

The switch is kept alive by a heartbeat while the restore runs and lapses ``LIFETIME_SECONDS``
after the last one, so a restore killed halfway does not keep the site from taking reports.
Requests that passed the switch just before it went on are given ``DRAIN_SECONDS`` to finish
before the backup is taken: longer than gunicorn's timeout (30 seconds, deploy/gunicorn.conf.py),
after which a request is killed and its transaction rolled back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

KEY = "caretime:writes-paused"
# What a refused writer is told to wait; a restore of a large database takes minutes.
RETRY_AFTER_SECONDS = 60
# How long the requests that got past the switch before it went on are given to finish.
DRAIN_SECONDS = 31
LIFETIME_SECONDS = 60
HEARTBEAT_SECONDS = 10
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_paused() -> bool:
    """Whether writes are paused. A cache that cannot be read counts as paused: during a restore
    an answer of 503 is safe, a 201 may not be."""
    try:
        return cache.get(KEY) is not None
    except Exception:  # any backend's error: Redis down, the cache table being replaced
        logger.exception("The maintenance switch could not be read; refusing the write.")
        return True


class SwitchFailed(Exception):
    """The switch could not be put on; nothing was paused."""


@contextmanager
def writes_paused_while(reason: str, *, drain: float = DRAIN_SECONDS) -> Iterator[None]:
    """Pause every write on every app server for the duration of the block, after giving the
    writes already under way ``drain`` seconds to finish. Writes resume when the block ends,
    whether it succeeded or failed."""
    stop = threading.Event()
    try:
        cache.set(KEY, reason, timeout=LIFETIME_SECONDS)
    except Exception as error:  # any backend's error: Redis down, no cache table
        raise SwitchFailed(f"Writes could not be paused: the cache cannot be written ({error}).") from error
    heartbeat = threading.Thread(target=_keep_on, args=(reason, stop), name="maintenance-heartbeat", daemon=True)
    heartbeat.start()
    try:
        time.sleep(drain)
        yield
    finally:
        stop.set()
        heartbeat.join()
        try:
            cache.delete(KEY)
        except Exception:  # it lapses within LIFETIME_SECONDS anyway
            logger.exception("The maintenance switch could not be switched off; it lapses by itself.")


def _keep_on(reason: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                cache.set(KEY, reason, timeout=LIFETIME_SECONDS)
            except Exception:
                logger.exception("The maintenance switch could not be renewed.")
    finally:
        connections.close_all()  # this thread's own connections (a database cache)


def paused_page(request: HttpRequest) -> HttpResponse:
    """What a page's write is answered while writes are paused."""
    response = HttpResponse(
        render_to_string("web/maintenance.html", {"retry_after_seconds": RETRY_AFTER_SECONDS}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
