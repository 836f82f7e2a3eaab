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
# Requests from nginx arrive whole; these are gunicorn's own limits, said explicitly.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Only nginx on this host may tell gunicorn the scheme (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# Drops the sender's address, browser and referrer on the worker-report paths (docs/privacy.md).
logger_class = "caretime.workplace.request_log.AccessLogger"


def post_worker_init(worker: object) -> None:
    """Each worker builds its index of the directory once the application is loaded, before
    its first request, so no one's first search waits for it (and importing the application,
    as the tests do, reads no database)."""
    from caretime.directory.geo_index import warm_geo_index

    warm_geo_index()
