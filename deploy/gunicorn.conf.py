"""gunicorn settings for caretime behind nginx: ``gunicorn -c deploy/gunicorn.conf.py caretime.wsgi``.

Sync workers are right here only because nginx buffers every request in full before it
passes it on, and every answer before the client reads it: a worker is never left waiting
for a slow client. Never expose this port to the network. Options given on the command
line win over these (the benchmark passes its own ``--bind``). See deploy/README.md.
"""

# Loopback only: nginx on the same host is the only client.
bind = "127.0.0.1:8000"
worker_class = "sync"
workers = 4
# A worker stuck for this long (a runaway request) is killed and replaced.
timeout = 30
graceful_timeout = 30
# Requests arrive through nginx, which refuses what is too large itself, in the API's error
# shape on /api/ (deploy/nginx/caretime-proxy.conf). gunicorn's limits are set at or above
# nginx's so that gunicorn never refuses a request nginx passed on, with an HTML page of its
# own: a request line of at most 8,190 characters (what nginx's 8 kB header buffers hold, and
# gunicorn's maximum), header lines up to 8 kB to which nginx adds the client's address in
# X-Forwarded-For, and no more header lines than nginx takes (about 1,000).
limit_request_line = 8190
limit_request_fields = 32768
limit_request_field_size = 16384
# Only nginx on this host may tell gunicorn the scheme (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# Drops the sender's address, browser and referrer on the worker-report paths (docs/privacy.md).
logger_class = "caretime.workplace.request_log.AccessLogger"


def on_starting(server: object) -> None:
    """A control socket (for ``gunicornc``) of each gunicorn's own, named after the address it
    serves: with gunicorn's default, one path per user, a second gunicorn on the host (another
    instance, the benchmark) would take the first one's socket over, and remove it when it
    stops. An explicit ``--control-socket`` or ``--no-control-socket`` is left as given.
    (Imports inside: every top-level name of this file must be a gunicorn setting.)"""
    import os
    import re

    config = server.cfg  # type: ignore[attr-defined]
    setting = config.settings["control_socket"]
    if setting.get() == setting.default:
        address = re.sub(r"[^A-Za-z0-9.]+", "-", ",".join(config.bind)).strip("-")
        config.set("control_socket", os.path.join(os.path.dirname(setting.default), f"caretime-{address}.ctl"))


def post_worker_init(worker: object) -> None:
    """Each worker builds its index of the directory once the application is loaded, before
    its first request, so no one's first search waits for it (and importing the application,
    as the tests do, reads no database).

    Then what it holds for its whole life (the places of every ZIP code and city, the index,
    the application's code: some 600,000 objects) is set apart from Python's garbage
    collector, which would otherwise walk all of it again on each of its full collections, in
    the middle of someone's request: about 400 ms each on the benchmark's machine, whatever
    the request was (docs/performance.md). Collected first, so no garbage is set apart."""
    import gc

    from caretime.directory.geo_index import warm_geo_index

    warm_geo_index()
    gc.collect()
    gc.freeze()
