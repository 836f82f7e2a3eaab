"""Start-up refuses bad configuration with a message naming the variable."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 40
GOOD_WORKER_KEY = "w" * 40
UNSET = "(not set)"  # a value of start()'s env that takes the variable out of the environment
GOOD_MFA_KEY = "bWZhLWtleS1mb3ItdGhlLXNldHRpbmdzLXRlc3RzLTE="  # 32 bytes in URL-safe base64


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "HTTPS"}}
    clean["WORKER_REPORT_KEY"] = GOOD_WORKER_KEY
    clean["MFA_ENCRYPTION_KEY"] = GOOD_MFA_KEY
    clean.update(env)
    clean = {name: value for name, value in clean.items() if value != UNSET}
    clean["DJANGO_SETTINGS_MODULE"] = "caretime.settings"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY is required"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY must be at least 32"),
        ({"DEBUG": "maybe", "SECRET_KEY": GOOD_KEY}, "DEBUG='maybe' is not a yes/no value"),
        ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be a sqlite:/// or postgres://"),
        ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"SECRET_KEY": GOOD_KEY, "EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not a whole number"),
        ({"SECRET_KEY": GOOD_KEY, "WORKER_REPORT_KEY": "short"}, "WORKER_REPORT_KEY must be at least 32"),
        ({"SECRET_KEY": GOOD_KEY, "WORKER_REPORT_KEY": GOOD_KEY}, "WORKER_REPORT_KEY must differ from SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY, "CONTACT_EMAIL": "write to us"}, "CONTACT_EMAIL must be one e-mail address"),
        ({"SECRET_KEY": GOOD_KEY, "MFA_ENCRYPTION_KEY": "short"}, "MFA_ENCRYPTION_KEY: key 1 is not a Fernet key"),
        (
            {"SECRET_KEY": GOOD_KEY, "MFA_ENCRYPTION_KEY": f"{GOOD_MFA_KEY},{GOOD_KEY}"},
            "MFA_ENCRYPTION_KEY: key 2 is not a Fernet key",
        ),
        ({"SECRET_KEY": GOOD_KEY, "MFA_ENCRYPTION_KEY": " , "}, "MFA_ENCRYPTION_KEY must hold at least one key"),
        ({"SECRET_KEY": GOOD_KEY, "CLAIM_CODE_SENDER": "sms"}, "CLAIM_CODE_SENDER='sms' is not console, outbox, mail"),
        (
            {"SECRET_KEY": GOOD_KEY, "CLAIM_CODE_SENDER": "caretime.nowhere.Sender"},
            "CLAIM_CODE_SENDER='caretime.nowhere.Sender' is not console",
        ),
    ],
)
def test_bad_values_stop_start_up_and_name_the_variable(env: dict[str, str], named: str) -> None:
    result = start(env)
    assert result.returncode != 0
    assert named in result.stderr


def test_the_mfa_key_is_required_without_debug_and_rotates_with_a_list() -> None:
    without = start({"SECRET_KEY": GOOD_KEY, "MFA_ENCRYPTION_KEY": UNSET})
    assert without.returncode != 0
    assert "The environment variable MFA_ENCRYPTION_KEY is required" in without.stderr
    assert start({"DEBUG": "true", "MFA_ENCRYPTION_KEY": UNSET}).returncode == 0
    other = "b3RoZXIta2V5LWZvci10aGUtc2V0dGluZ3MtdGVzdDE="
    assert start({"SECRET_KEY": GOOD_KEY, "MFA_ENCRYPTION_KEY": f"{GOOD_MFA_KEY}, {other}"}).returncode == 0


def test_sqlite_is_the_default_and_postgres_comes_from_database_url() -> None:
    assert start({"DEBUG": "true"}).stdout.strip() == "django.db.backends.sqlite3"
    postgres = start({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "postgres://u@127.0.0.1:5432/caretime"})
    assert postgres.stdout.strip() == "django.db.backends.postgresql"


def test_a_sqlite_file_database_runs_in_wal_mode(tmp_path: Path) -> None:
    database = tmp_path / "caretime.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "caretime.settings"}
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0", "directory", "0001"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_takes_the_write_lock_at_begin_and_waits_when_busy(tmp_path: Path) -> None:
    from caretime.settings import _database

    options = _database(f"sqlite:///{tmp_path / 'x.sqlite3'}")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_migrate_alone_readies_a_database_for_the_demo(tmp_path: Path) -> None:
    database = tmp_path / "fresh.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "caretime.settings"}
    )
    for command in (["migrate", "--no-input", "-v0"], ["load_demo", "--clinics", "5"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert "5 clinics" in result.stdout
