"""Data operations that lose nothing.

The restore drill: a database with rows in every app's tables (the demo region and a few
people's reports) is backed up with `manage.py backup`, restored into a new database with
`manage.py restore --into`, and every table has as many rows as before, on SQLite and on
PostgreSQL. A restore refuses to replace a database with tables unless told (and then backs
it up first), rolls back entirely when it fails, and leaves no search answer cached from
before. And a clinic with reports cannot be deleted by accident.

A backup leaks nothing: it is for its owner alone (0600), never written into a folder anyone
can write to, holds no live credential (sessions, e-mail confirmation keys, the cache table are
left out; authenticator secrets are encrypted), and a restore refuses a backup others can read
unless told. A restore loses nothing: while it replaces the database served, every write
answers 503 with Retry-After, and a writer running against it on PostgreSQL finds every report
answered 201 afterwards.

SQLite runs the commands in subprocesses against files (the test database is in memory);
PostgreSQL backs up the test database itself and restores into scratch databases.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client, override_settings
from django.urls import reverse
from psycopg import sql
from redis import Redis

from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic
from caretime.directory.search_cache import GENERATION_KEY
from caretime.reports.models import CallReport, VisitReport
from caretime.reviews.models import Review
from caretime.web import backups, maintenance
from caretime.web.backups import LEFT_OUT, BackupError, Database, backup, restore
from caretime.workplace.models import WorkerReport
from tests.factories import (
    CONFIRMATION_KEY,
    REPORT_FILERS,
    SESSION_KEY,
    TOTP_SECRET,
    add_live_credentials,
    add_people_reports,
    make_clinic,
    make_person,
)
from tests.local_services import redis_up, require

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 12  # a database of its own on the local Redis, emptied before and after
WRITER_REDIS_DB = 13  # the writer drill's, apart: the two may run at once on two workers
REPORT_MODELS = (CallReport, VisitReport, Review, WorkerReport)
# Apps whose tables must hold rows in the database backed up: what the site keeps.
APPS_WITH_ROWS = {
    "auth",
    "contenttypes",
    "account",
    "accounts",
    "directory",
    "billing",
    "reports",
    "workplace",
    "reviews",
}
STALE = "search:answer-cached-before-the-backup"
CACHE_TABLE = "caretime_cache"


def kept(counts: dict[str, int]) -> dict[str, int]:
    """The row counts of the tables a backup keeps."""
    return {table: rows for table, rows in counts.items() if table not in LEFT_OUT}


def assert_left_out(counts: dict[str, int]) -> None:
    assert {table: counts[table] for table in LEFT_OUT} == dict.fromkeys(LEFT_OUT, 0)


# --- running the commands and counting rows ---------------------------------------------------


def tables() -> list[str]:
    models = apps.get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy} | {"django_migrations"})


def app_of_table() -> dict[str, str]:
    return {m._meta.db_table: m._meta.app_label for m in apps.get_models(include_auto_created=True)}


def environment(database_url: str) -> dict[str, str]:
    """The test run's environment for a process serving ``database_url``, with the cache in it."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="caretime.settings")
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def django(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a fresh process with Django set up for ``env``; its output."""
    return ok(
        subprocess.run(
            [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    ).strip()


CACHE_STALE_ANSWER = f"""
from django.core.cache import cache
from caretime.directory.search_cache import directory_generation
directory_generation()
cache.set({STALE!r}, b"an answer linking clinics as they were", 600)
"""


def cached(path: Path, key: str) -> str | None:
    """The stored (pickled) value of a key in a SQLite database's cache table."""
    with closing(sqlite3.connect(path)) as db:
        row = db.execute("SELECT value FROM caretime_cache WHERE cache_key = ?", (f":1:{key}",)).fetchone()
    return None if row is None else str(row[0])


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables()}  # noqa: S608


def assert_rows_everywhere(counts: dict[str, int]) -> None:
    owners = app_of_table()
    with_rows = {owners[table] for table, rows in counts.items() if rows and table in owners}
    assert with_rows >= APPS_WITH_ROWS, APPS_WITH_ROWS - with_rows
    for model in REPORT_MODELS:
        assert counts[model._meta.db_table] > 1, model  # demo reports and the person's


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A migrated SQLite file with the demo region, people's reports and a search answer
    cached, and its backup made by `manage.py backup`."""
    folder = tmp_path_factory.mktemp("source")
    path = folder / "caretime.sqlite3"
    env = environment(f"sqlite:///{path}")
    ok(manage(env, "migrate", "--no-input", "-v0"))
    ok(manage(env, "load_demo", "--clinics", "30"))
    django(
        env,
        "from tests.factories import add_live_credentials, add_people_reports\n"
        f"add_people_reports()\nadd_live_credentials()\n{CACHE_STALE_ANSWER}",
    )
    assert cached(path, STALE) is not None
    dump = folder / "nightly.sqlite3"
    assert "Backed up the SQLite database" in ok(manage(env, "backup", str(dump)))
    return path, dump


def served_copy(source: Path, folder: Path) -> tuple[Path, dict[str, str]]:
    path = folder / "served.sqlite3"
    shutil.copyfile(source, path)
    return path, environment(f"sqlite:///{path}")


# --- the drill ----------------------------------------------------------------------------------


def test_restore_drill_on_sqlite(sqlite_backup: tuple[Path, Path], tmp_path: Path) -> None:
    source, dump = sqlite_backup
    before = sqlite_counts(source)
    assert_rows_everywhere(before)
    restored = tmp_path / "restored.sqlite3"
    out = ok(manage(environment(f"sqlite:///{source}"), "restore", str(dump), "--into", f"sqlite:///{restored}"))
    assert "into a new SQLite database" in out
    assert "Emptied the cache table caretime_cache" in out
    assert "migrate" not in out  # the backup is of this version
    assert kept(sqlite_counts(restored)) == kept(before)
    assert_left_out(sqlite_counts(restored))
    assert sqlite_counts(source) == before  # the backup took nothing away
    # The answer cached before the backup is never served from the restored database.
    assert cached(restored, STALE) is None
    assert cached(restored, GENERATION_KEY) is None
    # A backup never overwrites a file, and a restore never writes over a database with tables.
    with pytest.raises(BackupError, match="already exists"):
        backup(dump, Database.from_url(f"sqlite:///{restored}"))
    with pytest.raises(BackupError, match="already has tables"):
        restore(dump, into=Database.from_url(f"sqlite:///{restored}"))


def names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {name for (name,) in db.execute("SELECT DISTINCT name FROM directory_clinic")}


def test_restore_over_the_served_database_only_when_told_and_backed_up_first(
    sqlite_backup: tuple[Path, Path], tmp_path: Path
) -> None:
    source, dump = sqlite_backup
    served, env = served_copy(source, tmp_path)
    dump = Path(shutil.copy(dump, tmp_path))  # the database replaced is backed up beside it
    generation_before = cached(served, GENERATION_KEY)
    assert generation_before is not None
    with closing(sqlite3.connect(served)) as db, db:
        db.execute("UPDATE directory_clinic SET name = 'Changed after the backup'")
    refused = manage(env, "restore", str(dump))
    assert refused.returncode == 1
    assert "The app serves the SQLite database" in refused.stderr
    assert "--into URL" in refused.stderr
    assert "--replace" in refused.stderr
    assert names(served) == {"Changed after the backup"}  # untouched
    out = ok(manage(env, "restore", str(dump), "--replace", "--drain", "0"))
    assert "The cache was cleared and a new directory generation started." in out
    assert "Writes were paused on every app server" in out
    assert "Changed after the backup" not in names(served)
    assert kept(sqlite_counts(served)) == kept(sqlite_counts(source))
    # What was replaced is kept.
    (replaced,) = tmp_path.glob("served-before-restore-*.sqlite3")
    assert names(replaced) == {"Changed after the backup"}
    assert cached(served, STALE) is None
    assert cached(served, GENERATION_KEY) not in (None, generation_before)


def test_after_a_restore_the_shared_cache_serves_no_answer_from_before(
    sqlite_backup: tuple[Path, Path], tmp_path: Path
) -> None:
    require(redis_up(), "no Redis at 127.0.0.1:6379")
    redis = Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    redis.flushdb()
    source, dump = sqlite_backup
    _, env = served_copy(source, tmp_path)
    dump = Path(shutil.copy(dump, tmp_path))
    env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    stale, generation = f":1:{STALE}", f":1:{GENERATION_KEY}"
    try:
        redis.set(stale, b"an answer linking clinics as they were")
        redis.set(generation, 1)
        out = ok(manage(env, "restore", str(dump), "--replace", "--drain", "0"))
        assert "new directory generation" in out
        assert redis.get(stale) is None
        after_restore = redis.get(generation)
        assert after_restore not in (None, b"1")
        # Into a new database: the shared cache is cleared once the app servers use it.
        redis.set(stale, b"an answer from the database served until the switch")
        new = f"sqlite:///{tmp_path / 'new.sqlite3'}"
        out = ok(manage(env, "restore", str(dump), "--into", new))
        assert "run `manage.py restore --clear-cache`" in out
        assert redis.get(stale) is not None  # still serving the old database until the switch
        env["DATABASE_URL"] = new
        ok(manage(env, "restore", "--clear-cache"))
        assert redis.get(stale) is None
        assert redis.get(generation) not in (None, after_restore)
    finally:
        redis.flushdb()
        redis.close()


def test_restore_checks_the_backup_before_touching_anything(tmp_path: Path) -> None:
    target = tmp_path / "target.sqlite3"
    into = Database.from_url(f"sqlite:///{target}")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(BackupError, match="neither a SQLite database nor a pg_dump"):
        restore(not_a_backup, into=into)
    damaged = tmp_path / "damaged.sqlite3"
    with closing(sqlite3.connect(damaged)) as db, db:
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    damaged.write_bytes(damaged.read_bytes()[:6000])  # cut short, as a copy that stopped halfway
    damaged.chmod(0o600)
    with pytest.raises(BackupError, match=r"usable SQLite database|quick_check"):
        restore(damaged, into=into)
    assert not target.exists()
    tiny = tmp_path / "tiny.sqlite3"
    with closing(sqlite3.connect(tiny)) as db, db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="cannot be restored into the PostgreSQL database"):
        restore(tiny, into=Database.from_url("postgres://u@127.0.0.1:5432/x"))
    with pytest.raises(BackupError, match="in memory"):
        backup(tmp_path / "memory.sqlite3", Database.from_url("sqlite://:memory:"))


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_parameters(name: str) -> dict[str, Any]:
    settings_dict = connection.settings_dict
    parameters = {
        "dbname": name,
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
    }
    return {key: value for key, value in parameters.items() if value}


def _pg_url(name: str) -> str:
    settings_dict = connection.settings_dict
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return (
        f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{name}"
    )


def pg_counts(name: str) -> dict[str, int]:
    with psycopg.connect(**_pg_parameters(name)) as db:
        return {
            table: db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]  # type: ignore[index]
            for table in tables()
        }


@pytest.fixture
def scratch_database(transactional_db: None) -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("the drill on PostgreSQL backs up the test database: the PostgreSQL pass runs this")
    require(
        all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")),
        "PostgreSQL's client tools (pg_dump, pg_restore, psql) are not installed",
    )
    name = f"caretime_drill_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(**_pg_parameters("postgres"), autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_restore_drill_on_postgresql(scratch_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    call_command("load_demo", clinics=30, stdout=StringIO())
    add_people_reports()
    add_live_credentials()
    served = str(connection.settings_dict["NAME"])
    before = pg_counts(served)
    assert_rows_everywhere(before)
    assert all(before[table] for table in LEFT_OUT)
    dump = tmp_path / "caretime.dump"
    out = StringIO()
    call_command("backup", str(dump), stdout=out)
    assert "Backed up the PostgreSQL database" in out.getvalue()
    out = StringIO()
    call_command("restore", str(dump), into=_pg_url(scratch_database), stdout=out)
    assert f"into a new PostgreSQL database {scratch_database}" in out.getvalue()
    assert kept(pg_counts(scratch_database)) == kept(before)
    assert_left_out(pg_counts(scratch_database))
    assert pg_counts(served) == before
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        secrets_kept = [row[0] for row in db.execute("SELECT data::text FROM mfa_authenticator").fetchall()]
    assert len(secrets_kept) == 2
    assert all('"gAAAAA' in data for data in secrets_kept)
    assert not any(TOTP_SECRET in data for data in secrets_kept)

    # Replacing a database with tables: only when told, after backing it up, in one transaction.
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(dump), into=_pg_url(scratch_database), stdout=StringIO())
    with psycopg.connect(**_pg_parameters(scratch_database), autocommit=True) as db:
        db.execute("DELETE FROM reports_moderationdecision")
        db.execute("UPDATE directory_clinic SET name = 'Changed after the backup'")
    call_command("restore", str(dump), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert kept(pg_counts(scratch_database)) == kept(before)
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        assert db.execute("SELECT count(*) FROM directory_clinic WHERE name LIKE 'Changed%'").fetchone() == (0,)
    assert len(list(tmp_path.glob(f"{scratch_database}-before-restore-*.dump"))) == 1  # kept

    # A restore that fails halfway changes nothing: a dump cut short (pg_restore fails near the
    # end), and a table an app server keeps locked.
    with psycopg.connect(**_pg_parameters(scratch_database), autocommit=True) as db:
        db.execute("UPDATE directory_clinic SET name = 'Kept when the restore fails'")
    cut = tmp_path / "cut-short.dump"
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size - 2000])
    cut.chmod(0o600)
    with pytest.raises(CommandError, match=r"rolled back; nothing was changed\.\n(.|\n)*pg_restore"):
        call_command("restore", str(cut), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert kept(pg_counts(scratch_database)) == kept(before)
    monkeypatch.setattr(backups, "LOCK_TIMEOUT", "1s")
    with psycopg.connect(**_pg_parameters(scratch_database)) as app_server:
        app_server.execute("LOCK TABLE directory_clinician IN ACCESS SHARE MODE")
        with pytest.raises(CommandError, match=r"rolled back; nothing was changed\. Stop or drain the app servers"):
            call_command("restore", str(dump), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert kept(pg_counts(scratch_database)) == kept(before)
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        assert db.execute("SELECT DISTINCT name FROM directory_clinic").fetchall() == [("Kept when the restore fails",)]
    # What a migration may have added by hand (a function, a type) is replaced too.
    with psycopg.connect(**_pg_parameters(scratch_database), autocommit=True) as db:
        db.execute("CREATE TYPE stray_kind AS ENUM ('a', 'b')")
        db.execute("CREATE FUNCTION stray_answer() RETURNS integer LANGUAGE sql AS 'SELECT 42'")
    call_command("restore", str(dump), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert kept(pg_counts(scratch_database)) == kept(before)
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        assert db.execute("SELECT to_regtype('stray_kind'), to_regproc('stray_answer')").fetchone() == (None, None)


# --- nothing deleted by accident ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(REPORT_FILERS))
def test_a_clinic_with_a_report_cannot_be_deleted(kind: str) -> None:
    clinic = make_clinic("Northside Rehab", latitude=41.95, longitude=-87.66)
    REPORT_FILERS[kind](clinic, make_person("reporter@example.org", username="p-reporter"))
    with pytest.raises(ProtectedError):
        clinic.delete()
    assert Clinic.objects.filter(pk=clinic.pk).exists()
    assert sum(model.objects.filter(clinic=clinic).count() for model in REPORT_MODELS) >= 1


@pytest.mark.django_db
def test_load_demo_rebuilds_and_deletes_peoples_reports_only_when_told() -> None:
    call_command("load_demo", clinics=12, stdout=StringIO())
    add_people_reports()
    people = {model: model.objects.filter(is_demo=False).count() for model in REPORT_MODELS}
    assert all(people.values()), people
    with pytest.raises(CommandError, match="People filed"):
        call_command("load_demo", clinics=12, stdout=StringIO())
    assert {model: model.objects.filter(is_demo=False).count() for model in REPORT_MODELS} == people
    # Building the region on its own never deletes the reports that feed the Care Time sums.
    with pytest.raises(ProtectedError):
        build_demo_region(seed=1, clinics=12)
    assert {model: model.objects.filter(is_demo=False).count() for model in REPORT_MODELS} == people
    call_command("load_demo", "--clinics", "12", "--discard-people-reports", stdout=StringIO())
    assert not any(model.objects.filter(is_demo=False).exists() for model in REPORT_MODELS)
    assert all(model.objects.filter(is_demo=True).exists() for model in REPORT_MODELS)
    assert Clinic.objects.filter(is_demo=True).count() == 12


# --- a backup leaks nothing ---------------------------------------------------------------------


def test_a_backup_is_for_its_owner_alone_and_holds_no_live_credential(sqlite_backup: tuple[Path, Path]) -> None:
    source, dump = sqlite_backup
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    with closing(sqlite3.connect(source)) as db:
        held = {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in LEFT_OUT}  # noqa: S608
    assert all(held.values()), held  # the database backed up has them
    with closing(sqlite3.connect(dump)) as db:
        for table in (*LEFT_OUT, CACHE_TABLE):
            assert db.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (0,), table  # noqa: S608
        secrets_kept = [data for (data,) in db.execute("SELECT data FROM mfa_authenticator")]
    assert len(secrets_kept) == 2  # the authenticator app and the recovery codes, kept
    assert all('"gAAAAA' in data for data in secrets_kept)  # encrypted (Fernet)
    # Not a byte of them anywhere in the file: not in freed pages either.
    raw = dump.read_bytes()
    for secret in (SESSION_KEY, CONFIRMATION_KEY, TOTP_SECRET, STALE):
        assert secret.encode() not in raw, secret


def test_a_backup_is_refused_in_a_folder_anyone_can_write_to(sqlite_backup: tuple[Path, Path], tmp_path: Path) -> None:
    source, _ = sqlite_backup
    env = environment(f"sqlite:///{source}")
    anyone = tmp_path / "anyone"
    anyone.mkdir()
    anyone.chmod(0o777)
    refused = manage(env, "backup", str(anyone / "nightly.sqlite3"))
    assert refused.returncode == 1
    assert "Anyone on this machine can write to the folder" in refused.stderr
    assert "chmod o-w" in refused.stderr
    assert list(anyone.iterdir()) == []
    group = tmp_path / "group"
    group.mkdir()
    group.chmod(0o770)
    out = ok(manage(env, "backup", str(group / "nightly.sqlite3")))
    assert "The group of the folder" in out
    assert "Left out (their tables are empty in the backup): account_emailconfirmation" in out
    assert stat.S_IMODE((group / "nightly.sqlite3").stat().st_mode) == 0o600


def test_restore_refuses_a_backup_others_can_read_unless_told(sqlite_backup: tuple[Path, Path], tmp_path: Path) -> None:
    source, dump = sqlite_backup
    env = environment(f"sqlite:///{source}")
    readable = Path(shutil.copy(dump, tmp_path))
    restored = tmp_path / "restored.sqlite3"
    for mode, who in ((0o644, "anyone on this machine (mode 0644)"), (0o640, "the members of its group (mode 0640)")):
        readable.chmod(mode)
        refused = manage(env, "restore", str(readable), "--into", f"sqlite:///{restored}")
        assert refused.returncode == 1
        assert f"can be read by {who}" in refused.stderr
        assert "--allow-readable" in refused.stderr
        assert not restored.exists()
    out = ok(manage(env, "restore", str(readable), "--into", f"sqlite:///{restored}", "--allow-readable"))
    assert "into a new SQLite database" in out
    readable.chmod(0o600)
    ok(manage(env, "restore", str(readable), "--into", f"sqlite:///{tmp_path / 'again.sqlite3'}"))


def current_code(secret: str) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def stored_secrets() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator ORDER BY id")
        return [str(data) for (data,) in cursor.fetchall()]


@pytest.mark.django_db
def test_authenticator_secrets_are_encrypted_at_rest_and_the_key_rotates() -> None:
    staff = make_person("staff@example.org", username="p-staff")
    totp = TOTP.activate(staff, TOTP_SECRET)
    codes = RecoveryCodes.activate(staff).get_unused_codes()
    assert len(stored_secrets()) == 2
    assert all('"gAAAAA' in data and TOTP_SECRET not in data for data in stored_secrets())
    assert totp.validate_code(current_code(TOTP_SECRET))
    old = settings.MFA_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    with override_settings(MFA_ENCRYPTION_KEYS=[new]), pytest.raises(ImproperlyConfigured, match="no longer lists"):
        RecoveryCodes(Authenticator.objects.get(type="recovery_codes")).get_unused_codes()
    before = stored_secrets()
    with override_settings(MFA_ENCRYPTION_KEYS=[new, old]):
        out = StringIO()
        call_command("encrypt_mfa_secrets", stdout=out)
        assert "Encrypted 0 secret(s) stored in clear and re-encrypted 2" in out.getvalue()
    assert not set(stored_secrets()) & set(before)
    with override_settings(MFA_ENCRYPTION_KEYS=[new]):  # the old key dropped
        assert RecoveryCodes(Authenticator.objects.get(type="recovery_codes")).get_unused_codes() == codes
        assert get_mfa_adapter().decrypt(Authenticator.objects.get(type="totp").data["secret"]) == TOTP_SECRET
    # Run with a key missing, it changes nothing and says what to do.
    with override_settings(MFA_ENCRYPTION_KEYS=[old]), pytest.raises(CommandError, match="add that key"):
        call_command("encrypt_mfa_secrets", stdout=StringIO())


@pytest.mark.django_db
def test_secrets_stored_in_clear_before_keep_working_until_encrypted() -> None:
    staff = make_person("staff@example.org", username="p-staff")
    Authenticator.objects.create(user=staff, type="totp", data={"secret": TOTP_SECRET})
    assert TOTP(Authenticator.objects.get()).validate_code(current_code(TOTP_SECRET))
    out = StringIO()
    call_command("encrypt_mfa_secrets", stdout=out)
    assert "Encrypted 1 secret(s) stored in clear" in out.getvalue()
    (data,) = stored_secrets()
    assert TOTP_SECRET not in data
    assert get_mfa_adapter().decrypt(Authenticator.objects.get().data["secret"]) == TOTP_SECRET


# --- a restore loses nothing: writes wait while it runs -------------------------------------------


CALL = {
    "discipline": "pt",
    "called_in": f"{time.gmtime().tm_year}-{time.gmtime().tm_mon:02d}",
    "therapist_minutes": 40,
    "care": "one_on_one",
    "visits": "every_visit",
    "follow_up_by": "therapist",
}


def assert_paused_answer(status: int, headers: Any, body: bytes, *, api: bool) -> None:
    assert status == 503
    assert headers["Retry-After"] == str(maintenance.RETRY_AFTER_SECONDS)
    if api:
        error = json.loads(body)["error"]
        assert error["code"] == "maintenance"
        assert "send it again" in error["message"]
    else:
        assert b"try again shortly" in body


@pytest.mark.django_db
def test_while_writes_are_paused_every_write_answers_503_and_reads_go_on(client: Client) -> None:
    clinic = make_clinic("Northside Rehab", latitude=41.95, longitude=-87.66)
    reports = f"/api/v1/clinics/{clinic.pk}/call-reports"
    cache.set(maintenance.KEY, "restoring nightly.dump", 60)
    try:
        for method in ("post", "put", "patch", "delete"):
            answer = getattr(client, method)(reports, json.dumps(CALL), content_type="application/json")
            assert_paused_answer(answer.status_code, answer, answer.content, api=True)
        for path in ("/", reverse("account_login"), "/no-such-page/"):
            answer = client.post(path, {"email": "someone@example.org"})
            assert_paused_answer(answer.status_code, answer, answer.content, api=False)
            assert answer["Content-Type"].startswith("text/html")
        assert client.get("/").status_code == 200
        assert client.head("/").status_code == 200
        assert client.get(f"/api/v1/clinics/{clinic.pk}").status_code == 200
        assert client.options(reports).status_code != 503
        assert not CallReport.objects.exists()
    finally:
        cache.delete(maintenance.KEY)
    answer = client.post(reports, json.dumps(CALL), content_type="application/json")
    assert answer.status_code == 201, answer.content


def watch_switch(served: Path, env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``restore`` over ``served`` and watch the maintenance switch in its cache table: what
    was seen, in order ("on", "safety backup written"), until the command ended."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "restore", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    while process.poll() is None:
        if "on" not in seen and cached(served, maintenance.KEY) is not None:
            seen.append("on")
        if "safety backup written" not in seen and list(served.parent.glob("served-before-restore-*.sqlite3")):
            seen.append("safety backup written")
        time.sleep(0.02)
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), seen


def test_restore_over_the_served_database_pauses_writes_before_its_backup_and_resumes_them(
    sqlite_backup: tuple[Path, Path], tmp_path: Path
) -> None:
    source, dump = sqlite_backup
    served, env = served_copy(source, tmp_path)
    dump = Path(shutil.copy(dump, tmp_path))
    done, seen = watch_switch(served, env, str(dump), "--replace", "--drain", "1")
    assert done.returncode == 0, done.stderr
    assert seen == ["on", "safety backup written"]
    assert cached(served, maintenance.KEY) is None  # writes taken again
    # A restore that fails: writes are taken again too, and nothing was changed.
    for kept_file in tmp_path.glob("served-before-restore-*"):
        kept_file.unlink()
    tmp_path.chmod(0o777)  # the backup before replacing cannot be written here: the restore fails
    try:
        done, seen = watch_switch(served, env, str(dump), "--replace", "--drain", "1")
    finally:
        tmp_path.chmod(0o700)
    assert done.returncode == 1
    assert "Nothing was restored" in done.stderr
    assert seen == ["on"]
    assert cached(served, maintenance.KEY) is None


def _source_address(number: int) -> str:
    return f"127.0.0.{2 + number}"


@dataclass
class Answer:
    note: str
    status: int
    retry_after: str | None
    body: bytes


@pytest.mark.parametrize("shared_cache", ["database cache table", "redis"])
def test_a_writer_during_a_restore_loses_no_report_answered_201(
    shared_cache: str, scratch_database: str, live_server: Any, tmp_path: Path
) -> None:
    """Writers post call reports through a live server, from 40 addresses about 40 clinics (so
    that no limit refuses one), while `restore --replace` replaces the database served.

    Every answer is a 201 or a 503 with Retry-After. Every report answered 201 is in the
    database after the restore, or, if it was answered before writes were paused, in the backup
    the restore took of the database it replaced (restored here into a scratch database)."""
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{WRITER_REDIS_DB}",
        }
    }
    if shared_cache == "redis":
        require(redis_up(), "no Redis at 127.0.0.1:6379")
        Redis(host="127.0.0.1", port=6379, db=WRITER_REDIS_DB).flushdb()
    with override_settings(**({"CACHES": caches} if shared_cache == "redis" else {})):
        clinics = [make_clinic(f"Clinic {n}", latitude=41.9 + n / 1000, longitude=-87.6) for n in range(40)]
        dump = tmp_path / "nightly.dump"
        backup(dump)
        port = live_server.url.rsplit(":", 1)[1]  # it listens on 127.0.0.1, which takes any 127.x source
        # Slot k: address k % 40 about clinic (k % 40 + k // 40) % 40: at most 10 from an address,
        # 10 about a clinic and 1 from an address about a clinic, within every limit.
        slots = deque((k % 40, clinics[(k % 40 + k // 40) % 40].pk) for k in range(400))
        answers: list[Answer] = []
        lock = threading.Lock()
        stop = threading.Event()

        def write() -> None:
            while not stop.is_set():
                with lock:
                    if not slots:
                        return
                    address, clinic_id = slots.popleft()
                    note = f"drill report {len(answers)} {uuid.uuid4().hex}"
                connection_ = http.client.HTTPConnection(
                    "127.0.0.1", int(port), timeout=60, source_address=(_source_address(address), 0)
                )
                try:
                    connection_.request(
                        "POST",
                        f"/api/v1/clinics/{clinic_id}/call-reports",
                        json.dumps({**CALL, "note": note}),
                        {"Content-Type": "application/json"},
                    )
                    response = connection_.getresponse()
                    answer = Answer(note, response.status, response.getheader("Retry-After"), response.read())
                finally:
                    connection_.close()
                with lock:
                    answers.append(answer)
                    if answer.status != 201:
                        slots.appendleft((address, clinic_id))  # not taken: the slot is free again
                time.sleep(0.01)

        writers = [threading.Thread(target=write) for _ in range(4)]
        for writer in writers:
            writer.start()
        try:
            time.sleep(1)
            out = StringIO()
            call_command("restore", str(dump), replace=True, drain=1, stdout=out)
            time.sleep(1)
        finally:
            stop.set()
            for writer in writers:
                writer.join()
        assert "Writes were paused on every app server" in out.getvalue()
        (safety_backup,) = tmp_path.glob("*-before-restore-*.dump")
        call_command("restore", str(safety_backup), into=_pg_url(scratch_database), stdout=StringIO())
    if shared_cache == "redis":
        Redis(host="127.0.0.1", port=6379, db=WRITER_REDIS_DB).flushdb()

    saved = {answer.note for answer in answers if answer.status == 201}
    restored = set(CallReport.objects.values_list("note", flat=True))
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        before_restore = {note for (note,) in db.execute("SELECT note FROM reports_callreport").fetchall()}
    lost = saved - restored - before_restore
    assert lost == set(), f"{len(lost)} of {len(saved)} reports answered 201 were lost"
    statuses = Counter(answer.status for answer in answers)
    assert set(statuses) <= {201, 503}, [answer.body for answer in answers if answer.status not in (201, 503)][:3]
    assert statuses[503] > 0, statuses  # the writers met the restore
    for answer in answers:
        if answer.status == 503:
            assert_paused_answer(answer.status, {"Retry-After": answer.retry_after}, answer.body, api=True)
    # Written both before writes were paused and after they were taken again.
    assert saved & restored
    assert saved & before_restore
