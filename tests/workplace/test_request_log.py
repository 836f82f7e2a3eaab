"""gunicorn's access log, as deployed (docs/operations.md), keeps no client address for the
worker report paths and keeps it everywhere else."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from caretime.workplace.request_log import is_worker_report_path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(url: str, *, data: bytes | None = None) -> int:
    call = urllib.request.Request(  # noqa: S310 (our own loopback server)
        url, data=data, headers={"Content-Type": "text/plain", "User-Agent": "UniqueTestBrowser/4711"}
    )
    try:
        with urllib.request.urlopen(call, timeout=10) as response:  # noqa: S310 (our own loopback server)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_access_log_drops_the_sender_of_worker_reports_only(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    # A database with its tables: the cache table holds the maintenance switch that every write reads.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "caretime.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", "1",
            "--access-logfile", str(log),
            "--logger-class", "caretime.workplace.request_log.AccessLogger",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if request(f"{base}/api/v1/health") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        # A write that is not JSON is refused before anything is read; it is still logged.
        assert request(f"{base}/api/v1/worker-reports", data=b"{}") == 415
        assert request(f"{base}/clinics/1/pt/workplace-report/", data=b"x") in {400, 403, 404}
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = log.read_text().splitlines()
    worker_lines = [line for line in lines if "worker-reports" in line or "workplace-report" in line]
    other_lines = [line for line in lines if "/api/v1/health" in line]
    assert len(worker_lines) == 2
    assert other_lines
    for line in worker_lines:
        assert "127.0.0.1" not in line
        assert "UniqueTestBrowser" not in line
        assert line.startswith("- ")
    assert all(line.startswith("127.0.0.1 ") and "UniqueTestBrowser" in line for line in other_lines)


def test_the_paths_without_a_sender_are_exactly_the_submission_paths() -> None:
    assert is_worker_report_path("/api/v1/worker-reports")
    assert is_worker_report_path("/clinics/12/ot/workplace-report/")
    assert not is_worker_report_path("/api/v1/clinics/12/workplace")  # reading figures is not sending
    assert not is_worker_report_path("/clinics/12/pt/visit-report/")
    assert not is_worker_report_path("/employers/")
