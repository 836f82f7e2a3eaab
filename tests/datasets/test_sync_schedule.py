"""The monthly schedule in deploy/ runs the sync command the project ships, and the
operations guide describes it."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent.parent
SYSTEMD = ROOT / "deploy" / "systemd"
CRON = ROOT / "deploy" / "cron" / "caretime-sync"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SYSTEMD / name)
    return parser


def test_the_timer_starts_the_service_monthly_and_catches_up_after_downtime() -> None:
    timer = unit("caretime-sync.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-12 04:00:00"
    assert timer["Timer"]["Persistent"] == "true"
    service = unit("caretime-sync.service")
    assert service["Service"]["Type"] == "oneshot"
    command = service["Service"]["ExecStart"].split()
    assert command[1:] == ["-m", "django", "sync_public_data"]
    assert get_commands()["sync_public_data"] == "caretime.verdicts"


def test_the_cron_line_runs_the_same_command_monthly() -> None:
    [line] = [line for line in CRON.read_text().splitlines() if line and not line.startswith("#")]
    minute, hour, day, month, weekday, user, *command = line.split()
    assert (minute, hour, day, month, weekday, user) == ("0", "4", "12", "*", "*", "caretime")
    assert "-m django sync_public_data" in " ".join(command)


def test_systemd_accepts_the_units_where_it_can_check_them() -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    result = subprocess.run(
        [analyze, "calendar", unit("caretime-sync.timer")["Timer"]["OnCalendar"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_operations_guide_describes_the_schedule_and_the_format_changes() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text()
    for text in (
        "## Public data sync",
        "deploy/systemd/caretime-sync.service",
        "deploy/cron/caretime-sync",
        "### When a publisher changes a format",
        "### What it costs at national size",
    ):
        assert text in guide
