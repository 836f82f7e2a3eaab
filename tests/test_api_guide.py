"""docs/api.md, the client's guide, cannot drift from the API: its worked example runs, as a
client would run it, against a live test server, and prints what the guide says it prints;
its tables of error codes and limits are the ones the code enforces."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from caretime.accounts.services import create_api_token
from caretime.api.caching import DIRECTORY_SECONDS, EVIDENCE_SECONDS, RELEASES_SECONDS
from caretime.api.errors import ERROR_CODES
from caretime.directory.models import Clinic
from caretime.reports.models import VisitReport
from caretime.shared.limits import LIMITS
from tests.factories import make_person

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text()


def fenced(language: str) -> list[str]:
    """The guide's code blocks whose fence names ``language`` ("" for none), in order."""
    blocks: list[str] = []
    opened: str | None = None
    lines: list[str] = []
    for line in GUIDE.splitlines(keepends=True):
        if not line.startswith("```"):
            lines.append(line)
        elif opened is None:
            opened, lines = line[3:].strip(), []
        else:
            if opened == language:
                blocks.append("".join(lines))
            opened = None
    return blocks


@pytest.fixture
def token(transactional_db: None) -> str:
    return create_api_token(user=make_person("reader@example.com"), name="guide").secret


def test_the_worked_example_runs_against_a_live_server_and_prints_what_the_guide_shows(
    live_server: Any, chicago_clinics: dict[str, Clinic], token: str, tmp_path: Path
) -> None:
    (example,) = fenced("python")
    script = tmp_path / "example.py"
    script.write_text(example)
    # A client's process of its own, with nothing but the standard library and the two settings.
    environment = {"PATH": os.environ.get("PATH", ""), "CARETIME_URL": live_server.url, "CARETIME_TOKEN": token}
    ran = subprocess.run(
        [sys.executable, "-I", str(script)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    (shown,) = [block for block in fenced("") if block.startswith("Nearest:")]
    assert ran.stdout == shown, ran.stdout
    filed = VisitReport.objects.get()
    assert (filed.clinic_id, filed.therapist_minutes, filed.aide_minutes) == (chicago_clinics["near"].pk, 20, 10)


def test_the_guide_lists_every_error_code_with_its_status_when_and_what_to_do() -> None:
    rows = {
        line.split(" | ")[0].strip("| `") for line in GUIDE.splitlines() if re.match(r"^\| `[a-z_]+` \| \d{3} \|", line)
    }
    assert rows == set(ERROR_CODES)
    for code, meaning in ERROR_CODES.items():
        assert f"| `{code}` | {meaning.status} | {meaning.when} | {meaning.to_do} |" in GUIDE, code


def test_the_guide_lists_every_older_code_an_error_may_carry() -> None:
    older = {old for meaning in ERROR_CODES.values() for old in meaning.replaces}
    assert older
    for code in older:
        assert f"`{code}`" in GUIDE.split("### Older names")[1], code


def test_the_guide_lists_every_limit_on_what_people_send() -> None:
    for window in LIMITS:
        assert f"| {window.who} | {window.what} | {window.allowed} |" in GUIDE, window.what


def test_the_guide_says_how_long_each_read_may_be_kept() -> None:
    assert f"| `GET /clinics`, `GET /clinics/{{id}}` | {DIRECTORY_SECONDS} seconds |" in GUIDE
    assert f"| `GET /clinics/{{id}}/verdict`, `.../care-time`, `.../workplace` | {EVIDENCE_SECONDS} seconds |" in GUIDE
    assert f"| `GET /data-releases` | {RELEASES_SECONDS} seconds |" in GUIDE
