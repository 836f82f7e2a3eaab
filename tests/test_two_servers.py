"""Two app servers, one PostgreSQL and one Redis, as in production: the limits on reports, the
burst rule, the directory generation and the cached search answers hold across them.

Two gunicorn processes serve the test database (its rows committed by ``transactional_db``)
with a Redis database of their own; requests alternate between them, concurrently."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from caretime.directory.models import Clinic
from caretime.reports.models import CallReport
from tests.factories import make_clinic
from tests.local_services import redis_up, require

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 11  # a database of its own on the local Redis, emptied before and after
CALL = {
    "discipline": "pt",
    "called_in": f"{time.gmtime().tm_year}-{time.gmtime().tm_mon:02d}",
    "therapist_minutes": 40,
    "care": "one_on_one",
    "visits": "every_visit",
    "follow_up_by": "therapist",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env() -> dict[str, str]:
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "TRUSTED_PROXY_HOPS": "1",  # the tests speak for several visitors through X-Forwarded-For
    }


def _flush_redis() -> None:
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=True, capture_output=True, timeout=10)


@pytest.fixture
def servers(transactional_db: None) -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip(
            "two servers share one PostgreSQL; the in-memory SQLite test database is one process's: the PostgreSQL pass runs this"
        )
    require(redis_up(), "no Redis at 127.0.0.1:6379")
    _flush_redis()
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "caretime.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            for _ in range(300):
                try:
                    if _get(f"{url}/api/v1/health")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise AssertionError(f"no answer from {url}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        _flush_redis()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _post(url: str, body: dict[str, object], visitor: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": visitor},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_one_visitors_limit_holds_across_two_servers(servers: list[str]) -> None:
    clinic = make_clinic("Two Servers PT", latitude=41.92, longitude=-87.65)
    tries = 4 * 3
    with ThreadPoolExecutor(max_workers=tries) as pool:
        statuses = list(
            pool.map(
                lambda i: _post(f"{servers[i % 2]}/api/v1/clinics/{clinic.pk}/call-reports", CALL, "198.51.100.7"),
                range(tries),
            )
        )
    assert statuses.count(201) == 3
    assert statuses.count(429) == tries - 3
    assert CallReport.objects.filter(clinic=clinic).count() == 3


def test_the_burst_rule_holds_across_two_servers(servers: list[str]) -> None:
    clinic = make_clinic("Burst PT", latitude=41.92, longitude=-87.65)
    visitors = [f"203.0.113.{n}" for n in range(1, 7)]
    with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        statuses = list(
            pool.map(
                lambda i: _post(f"{servers[i % 2]}/api/v1/clinics/{clinic.pk}/call-reports", CALL, visitors[i]),
                range(len(visitors)),
            )
        )
    assert statuses == [201] * len(visitors)
    standings = sorted(CallReport.objects.filter(clinic=clinic).values_list("standing", flat=True))
    # Three count; every later one in the same hour waits for a moderator, whichever server took it.
    assert standings == ["counted"] * 3 + ["held"] * 3


def _new_generation() -> None:
    """``directory_changed()`` in a process of its own, on the servers' shared cache (the tests'
    own cache is another), then the second the servers may take to notice it."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from caretime.directory.search_cache import directory_changed; directory_changed()"],
        cwd=ROOT, env=_env(), check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    time.sleep(1.2)  # each process re-reads the generation at most a second after it changed


def test_a_new_directory_generation_reaches_both_servers_and_their_cached_answers(servers: list[str]) -> None:
    make_clinic("First Clinic PT", latitude=41.92, longitude=-87.65)
    second = make_clinic("Second Clinic PT", latitude=41.921, longitude=-87.651)
    Clinic.objects.filter(pk=second.pk).update(is_active=False)
    _new_generation()  # the servers' indexes of the directory were built before these clinics
    search = "/api/v1/clinics?near=60614"
    before = [json.loads(_get(url + search)[1]) for url in servers]  # both cache this answer
    assert all(answer["total"] == 1 for answer in before)
    Clinic.objects.filter(pk=second.pk).update(is_active=True)  # written in bulk, as the importers write
    # Without a new generation both keep serving their cached answer...
    assert all(json.loads(_get(url + search)[1])["total"] == 1 for url in servers)
    _new_generation()
    # ...and with it both answer afresh.
    assert all(json.loads(_get(url + search)[1])["total"] == 2 for url in servers)


def test_a_clinic_page_reads_the_same_from_every_worker_of_both_servers(servers: list[str]) -> None:
    """What one worker made of a clinic's page (its care times, its parts, what it shows beside
    the verdicts) serves the others through Redis: every worker's page is the one made afresh,
    before and after a report changes the verdict."""
    clinic = make_clinic("Shared Page PT", latitude=41.92, longitude=-87.65)

    def pages() -> set[bytes]:
        with ThreadPoolExecutor(max_workers=4) as pool:  # every worker of both servers, likely
            answers = list(pool.map(lambda i: _get(f"{servers[i % 2]}/clinics/{clinic.pk}/?discipline=pt"), range(12)))
        assert {status for status, _ in answers} == {200}
        # The CSRF token is each visitor's; the head's links name the server's own address.
        blanked = (re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body) for _, body in answers)
        return {re.sub(rb"//127\.0\.0\.1:\d+/", b"//server/", body) for body in blanked}

    before = pages()
    assert len(before) == 1
    assert b"Shared Page PT" in next(iter(before))
    for n in range(3):
        assert _post(f"{servers[n % 2]}/api/v1/clinics/{clinic.pk}/call-reports", CALL, f"192.0.2.{n + 1}") == 201
    time.sleep(1.2)  # each process re-reads the evidence generation at most a second after it changed
    after = pages()
    assert len(after) == 1
    assert after != before
