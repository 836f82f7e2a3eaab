"""Data operations that lose nothing.

The restore drill: a database with rows in every app's tables (the demo region and a few
people's reports) is backed up with `manage.py backup`, restored into a new database with
`manage.py restore --into`, and every table has as many rows as before, on SQLite and on
PostgreSQL. A restore refuses to replace a database with tables unless told (and then backs
it up first), rolls back entirely when it fails, and leaves no search answer cached from
before. And a clinic with reports cannot be deleted by accident.

SQLite runs the commands in subprocesses against files (the test database is in memory);
PostgreSQL backs up the test database itself and restores into scratch databases.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from psycopg import sql
from redis import Redis

from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic
from caretime.directory.search_cache import GENERATION_KEY
from caretime.reports.models import CallReport, VisitReport
from caretime.reviews.models import Review
from caretime.web import backups
from caretime.web.backups import BackupError, Database, backup, restore
from caretime.workplace.models import WorkerReport
from tests.factories import REPORT_FILERS, add_people_reports, make_clinic, make_person
from tests.local_services import require

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 12  # a database of its own on the local Redis, emptied before and after
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
    django(env, f"from tests.factories import add_people_reports\nadd_people_reports()\n{CACHE_STALE_ANSWER}")
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
    assert sqlite_counts(restored) == before
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
    out = ok(manage(env, "restore", str(dump), "--replace"))
    assert "The cache was cleared and a new directory generation started." in out
    assert "Changed after the backup" not in names(served)
    assert sqlite_counts(served) == sqlite_counts(source)
    # What was replaced is kept.
    (kept,) = tmp_path.glob("served-before-restore-*.sqlite3")
    assert names(kept) == {"Changed after the backup"}
    assert cached(served, STALE) is None
    assert cached(served, GENERATION_KEY) not in (None, generation_before)


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_after_a_restore_the_shared_cache_serves_no_answer_from_before(
    sqlite_backup: tuple[Path, Path], tmp_path: Path
) -> None:
    require(_redis_up(), "no Redis at 127.0.0.1:6379")
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
        out = ok(manage(env, "restore", str(dump), "--replace"))
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
    with pytest.raises(BackupError):
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
    served = str(connection.settings_dict["NAME"])
    before = pg_counts(served)
    assert_rows_everywhere(before)
    dump = tmp_path / "caretime.dump"
    out = StringIO()
    call_command("backup", str(dump), stdout=out)
    assert "Backed up the PostgreSQL database" in out.getvalue()
    out = StringIO()
    call_command("restore", str(dump), into=_pg_url(scratch_database), stdout=out)
    assert f"into a new PostgreSQL database {scratch_database}" in out.getvalue()
    assert pg_counts(scratch_database) == before
    assert pg_counts(served) == before

    # Replacing a database with tables: only when told, after backing it up, in one transaction.
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(dump), into=_pg_url(scratch_database), stdout=StringIO())
    with psycopg.connect(**_pg_parameters(scratch_database), autocommit=True) as db:
        db.execute("DELETE FROM reports_moderationdecision")
        db.execute("UPDATE directory_clinic SET name = 'Changed after the backup'")
    call_command("restore", str(dump), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert pg_counts(scratch_database) == before
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        assert db.execute("SELECT count(*) FROM directory_clinic WHERE name LIKE 'Changed%'").fetchone() == (0,)
    assert len(list(tmp_path.glob(f"{scratch_database}-before-restore-*.dump"))) == 1  # kept

    # A restore that fails halfway changes nothing: a dump cut short (pg_restore fails near the
    # end), and a table an app server keeps locked.
    with psycopg.connect(**_pg_parameters(scratch_database), autocommit=True) as db:
        db.execute("UPDATE directory_clinic SET name = 'Kept when the restore fails'")
    cut = tmp_path / "cut-short.dump"
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size - 2000])
    with pytest.raises(CommandError, match=r"rolled back; nothing was changed\.\n(.|\n)*pg_restore"):
        call_command("restore", str(cut), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert pg_counts(scratch_database) == before
    monkeypatch.setattr(backups, "LOCK_TIMEOUT", "1s")
    with psycopg.connect(**_pg_parameters(scratch_database)) as app_server:
        app_server.execute("LOCK TABLE directory_clinician IN ACCESS SHARE MODE")
        with pytest.raises(CommandError, match=r"rolled back; nothing was changed\. Stop or drain the app servers"):
            call_command("restore", str(dump), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert pg_counts(scratch_database) == before
    with psycopg.connect(**_pg_parameters(scratch_database)) as db:
        assert db.execute("SELECT DISTINCT name FROM directory_clinic").fetchall() == [("Kept when the restore fails",)]
    # What a migration may have added by hand (a function, a type) is replaced too.
    with psycopg.connect(**_pg_parameters(scratch_database), autocommit=True) as db:
        db.execute("CREATE TYPE stray_kind AS ENUM ('a', 'b')")
        db.execute("CREATE FUNCTION stray_answer() RETURNS integer LANGUAGE sql AS 'SELECT 42'")
    call_command("restore", str(dump), into=_pg_url(scratch_database), replace=True, stdout=StringIO())
    assert pg_counts(scratch_database) == before
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
