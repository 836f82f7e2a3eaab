"""Backups and restores made with the databases' own tools, so that nothing is lost.

- SQLite: the online backup API (``sqlite3.Connection.backup``), a consistent copy taken
  while the site keeps running in WAL mode; the copy is a plain SQLite file.
- PostgreSQL: ``pg_dump --format=custom``; a restore turns the dump into SQL with
  ``pg_restore --no-owner --no-privileges`` and runs all of it with ``psql`` in ONE
  transaction (``BEGIN``; when replacing, the old tables, functions and types dropped; the
  dump; ``COMMIT`` only once pg_restore wrote all of it), so a restore that fails anywhere
  leaves the database exactly as it was. No ownership or
  privilege statements are replayed: everything belongs to the role that restores.

Rules that keep a backup from leaking anything:

- A backup is written readable and writable by its owner only (0600), into a folder that
  nobody but its owner and group can write to (``check_folder``: refused when anyone can, a
  warning when the group can).
- What is a live credential, or only the state of the moment, is left out: the rows of
  ``LEFT_OUT`` (signed-in sessions, which also hold the sign-in and sign-up codes waiting to
  be entered; e-mail confirmation keys; the cache table), their tables kept empty.
  Authenticator secrets are in the backup only encrypted (MFA_ENCRYPTION_KEY, kept in the
  environment: caretime.accounts.adapter.MFAAdapter).
- A restore refuses a backup that other users of the machine can read, unless told
  (``allow_readable``): it may have been copied, and made before these rules.

Rules that keep a restore from losing anything:

- A backup is written beside its final name and renamed into place only once complete and
  checked; an existing file is never overwritten.
- A backup is checked before anything is touched (SQLite ``quick_check``, PostgreSQL
  ``pg_restore --list``).
- A restore goes into a new or empty database. A database with tables in it is replaced only
  when asked (``replace=True``), and then it is itself backed up first, beside the backup
  being restored ("...-before-restore-<time>").
- The database *served* is the one this settings module's ``DATABASE_URL`` names (the same
  SQLite file, or the same PostgreSQL database name, host and port). Restoring over it needs
  ``replace=True`` too; then every write on every app server answers 503 from before the
  backup of the database replaced until the restore ends (``caretime.web.maintenance``), so
  no report answered 201 is in neither that backup nor the restored database.
- After a restore, no answer cached from before is served: restoring the served database
  clears the cache and starts a new directory generation
  (``caretime.directory.search_cache.directory_changed``); restoring into another database
  empties that database's cache table, and a shared cache (Redis) is cleared with
  ``clear_cache()`` once the app servers use the new database.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

import dj_database_url
import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from caretime.directory.search_cache import directory_changed
from caretime.web.maintenance import DRAIN_SECONDS, SwitchFailed, writes_paused_while

Vendor = Literal["sqlite", "postgresql"]
State = Literal["missing", "empty", "has tables"]

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
SUFFIXES: dict[Vendor, str] = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# Waiting this long for a table lock means the app servers are still busy with the database.
LOCK_TIMEOUT = "30s"
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
# libpq connection parameters a DATABASE_URL may carry in OPTIONS, and their environment names.
_LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "application_name": "PGAPPNAME",
}
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) \S+ \S+$")
# Tables whose rows no backup holds (the tables themselves are kept, empty), and why.
LEFT_OUT = {
    "django_session": "signed-in sessions: a copied session key signs in as its owner, past two-factor sign-in "
    "too; the sign-in and sign-up codes waiting to be entered are kept in sessions as well",
    "account_emailconfirmation": "allauth's e-mail confirmation keys (unused while addresses are confirmed by "
    "code): each one confirms an address",
}
# A database cache table (the default without REDIS_URL) is left out too: it holds rate-limit
# counters, cached search answers and allauth's marks of TOTP codes already used, all of the
# moment, and a restore empties it anyway.
DEFAULT_CACHE_TABLE = "caretime_cache"  # caretime.settings
CACHE_TABLE_REASON = "the cache: rate-limit counters and search answers of the moment; a restore empties it anyway"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, and what to do."""


@dataclass(frozen=True)
class Database:
    """Where a database is: a SQLite file, or a PostgreSQL database on a server."""

    vendor: Vendor
    name: str  # the file of a SQLite database; the database name on PostgreSQL
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False, compare=False)
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, config: Mapping[str, Any]) -> Database:
        engine = str(config.get("ENGINE", ""))
        name = str(config.get("NAME") or "")
        if engine == "django.db.backends.sqlite3":
            if name in ("", ":memory:") or "mode=memory" in name:
                raise BackupError("The SQLite database is in memory: there is no file to back up or restore into.")
            return cls("sqlite", str(Path(name).expanduser().resolve()))
        if engine == "django.db.backends.postgresql":
            options = config.get("OPTIONS") or {}
            return cls(
                "postgresql",
                name,
                host=str(config.get("HOST") or ""),
                port=str(config.get("PORT") or ""),
                user=str(config.get("USER") or ""),
                password=str(config.get("PASSWORD") or ""),
                options=tuple(sorted((key, str(value)) for key, value in options.items() if key in _LIBPQ_ENVIRONMENT)),
            )
        raise BackupError(f"Backups are made of SQLite and PostgreSQL databases, not {engine or 'this engine'}.")

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            config = dj_database_url.parse(url)
        except ValueError as error:
            raise BackupError(f"The database URL is not usable: {error}") from None
        return cls.from_settings(config)

    @classmethod
    def served(cls) -> Database:
        """The database this settings module serves (DATABASE_URL)."""
        return cls.from_settings(connections["default"].settings_dict)

    def __str__(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite database {self.name}"
        return f"PostgreSQL database {self.name} on {self.host or 'the local socket'}:{self.port or '5432'}"

    def same_as(self, other: Database) -> bool:
        if self.vendor != other.vendor:
            return False
        if self.vendor == "sqlite":
            return Path(self.name).resolve() == Path(other.name).resolve()

        def place(database: Database) -> tuple[str, str, str]:
            host = database.host.lower()
            local = host in _LOCAL_HOSTS or host.startswith("/")
            return ("local" if local else host, database.port or "5432", database.name)

        return place(self) == place(other)


@dataclass
class Restored:
    """What a restore did, and what is left for the operator to do."""

    target: Database
    served: bool
    created: bool = False
    safety_backup: Path | None = None
    writes_paused: bool = False  # every app server answered writes with 503 during the restore
    cache: str = ""
    migrations_missing: list[str] = field(default_factory=list)
    migrations_unknown: list[str] = field(default_factory=list)


# --- backing up ----------------------------------------------------------------------------


def backup(path: Path, database: Database | None = None) -> Database:
    """Write a backup of ``database`` (default: the one served) to ``path``, which must not
    exist yet. Returns the database backed up."""
    database = database or Database.served()
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name (a backup never overwrites one).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    check_folder(path.parent)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        # Made for its owner only before a byte is written into it.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
        os.chmod(partial, 0o600)
        if database.vendor == "sqlite":
            _sqlite_backup(Path(database.name), partial)
        else:
            _pg_backup(database, partial)
        os.chmod(partial, 0o600)
        _fsync(partial)
        os.replace(partial, path)
        _fsync(path.parent)
    finally:
        partial.unlink(missing_ok=True)
    return database


def left_out() -> dict[str, str]:
    """The tables whose rows no backup holds, and why: ``LEFT_OUT`` and the database cache
    tables of the settings."""
    tables = dict(LEFT_OUT)
    tables[DEFAULT_CACHE_TABLE] = CACHE_TABLE_REASON  # also after a switch to Redis left it behind
    for config in settings.CACHES.values():
        if config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
            tables[str(config["LOCATION"])] = CACHE_TABLE_REASON
    return {table: reason for table, reason in tables.items() if _PLAIN_NAME.fullmatch(table)}


def check_folder(folder: Path) -> str:
    """Refuse a folder anyone can write to (they could replace a backup, or put one of their own
    where you will look for yours); a warning, or "", when its group can."""
    mode = Path(folder).stat().st_mode
    if mode & stat.S_IWOTH:
        raise BackupError(
            f"Anyone on this machine can write to the folder {folder} (mode {stat.S_IMODE(mode):04o}), so anyone "
            f"could replace a backup in it or put one of their own there. Choose a folder only you (and your "
            f"group) can write to, or make it so: chmod o-w {folder}"
        )
    if mode & stat.S_IWGRP:
        return (
            f"The group of the folder {folder} can write to it (mode {stat.S_IMODE(mode):04o}): its members could "
            "replace a backup there. Use a folder only you can write to where that group is not trusted."
        )
    return ""


def _sqlite_backup(source: Path, out: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    with closing(sqlite3.connect(source, timeout=20)) as live, closing(sqlite3.connect(out)) as copy:
        # One step: the copy is one consistent snapshot, and writers carry on meanwhile (WAL).
        live.backup(copy)
        # A single self-contained file, whatever journal mode the live database uses.
        copy.execute("PRAGMA journal_mode=DELETE")
        _sqlite_leave_out(copy)
        _sqlite_check(copy, out)


def _sqlite_leave_out(copy: sqlite3.Connection) -> None:
    """Empty the tables left out of a backup in the copy, overwriting what they held: secure
    delete zeroes the freed pages, the journal stays in memory (it would hold the rows), and
    VACUUM writes the file again without them."""
    copy.execute("PRAGMA journal_mode=MEMORY")
    copy.execute("PRAGMA secure_delete=ON")
    existing = {name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    with copy:
        for table in left_out():
            if table in existing:
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 (a plain name, checked)
    copy.execute("VACUUM")
    copy.execute("PRAGMA journal_mode=DELETE")


def _pg_backup(database: Database, out: Path) -> None:
    leave_out = [f"--exclude-table-data={table}" for table in sorted(left_out())]
    _run([_tool("pg_dump"), "--format=custom", "--no-password", *leave_out, f"--file={out}"], database, "pg_dump")
    _pg_tables_schemas(out)  # a dump pg_restore cannot read is no backup


# --- restoring -----------------------------------------------------------------------------


def backup_vendor(path: Path) -> Vendor:
    """Which database a backup file is of, from its first bytes."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupError(f"There is no backup at {path}.") from None
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump --format=custom archive.")


def restore(
    path: Path,
    *,
    into: Database | None = None,
    replace: bool = False,
    allow_readable: bool = False,
    drain: float = DRAIN_SECONDS,
) -> Restored:
    """Restore the backup at ``path`` into ``into`` (default: the database served).

    The target must be new or empty unless ``replace``; then it is backed up first, beside
    ``path``; when it is the database served, every write waits meanwhile (503), from ``drain``
    seconds before that backup until the restore ends. A backup that other users can read is
    refused unless ``allow_readable``. Raises BackupError, having changed nothing, when the
    restore cannot be done."""
    path = Path(path)
    vendor = backup_vendor(path)
    served_database = _served_or_none()
    target = into or served_database
    if target is None:
        raise BackupError("The database served is in memory; say where to restore with --into URL.")
    if target.vendor != vendor:
        raise BackupError(f"{path} is a {vendor} backup; it cannot be restored into the {target}.")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRGRP | stat.S_IROTH) and not allow_readable:
        who = "anyone on this machine" if mode & stat.S_IROTH else "the members of its group"
        raise BackupError(
            f"{path} can be read by {who} (mode {mode:04o}): it may have been copied, and a backup made before "
            "caretime left sessions out holds signed-in sessions. Make it readable by you alone "
            f"(chmod 600 {path}) and restore it, or restore it as it is with --allow-readable."
        )
    served = served_database is not None and target.same_as(served_database)
    schemas = _sqlite_check_file(path) if vendor == "sqlite" else _pg_tables_schemas(path)
    state = _state(target)
    outcome = Restored(target=target, served=served)
    if served and state == "has tables" and replace:
        outcome.writes_paused = True
        try:
            with writes_paused_while(f"restoring {path.name}", drain=drain):
                return _restore(path, target, vendor, schemas, state, outcome, replace=replace)
        except SwitchFailed as error:
            raise BackupError(f"Nothing was restored. {error}") from None
    return _restore(path, target, vendor, schemas, state, outcome, replace=replace)


def _restore(
    path: Path,
    target: Database,
    vendor: Vendor,
    schemas: frozenset[str],
    state: State,
    outcome: Restored,
    *,
    replace: bool,
) -> Restored:
    served = outcome.served
    if state == "has tables":
        if not replace and served:
            raise BackupError(
                f"The app serves the {target} and it has tables. Restore into a new database (--into URL) and "
                "switch DATABASE_URL to it, or add --replace to replace it (it is backed up first, and every write "
                "waits meanwhile: 503 with Retry-After)."
            )
        if not replace:
            raise BackupError(
                f"The {target} already has tables. Restore into a new or empty database, or add --replace to "
                "replace it (it is backed up first)."
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(target.name).stem if vendor == "sqlite" else target.name)
        outcome.safety_backup = path.parent / f"{stem}-before-restore-{stamp}{SUFFIXES[vendor]}"
        again = 1
        while outcome.safety_backup.exists():  # two restores in one second
            again += 1
            outcome.safety_backup = path.parent / f"{stem}-before-restore-{stamp}-{again}{SUFFIXES[vendor]}"
        try:
            backup(outcome.safety_backup, target)
        except (BackupError, OSError) as error:
            raise BackupError(
                f"Nothing was restored: the backup of the {target} before replacing it failed: {error}"
            ) from None
    if served:
        connections.close_all()  # this process holds nothing open on the tables being replaced
    try:
        if vendor == "sqlite":
            if state == "missing" and not Path(target.name).parent.is_dir():
                raise BackupError(f"The folder of {target.name} does not exist.")
            _sqlite_restore(path, Path(target.name))
        else:
            if state == "missing":
                _pg_create(target)
            _pg_restore(path, target, drop_first=state == "has tables", schemas=schemas)
    except BackupError as error:
        if outcome.safety_backup is None:
            raise
        raise BackupError(f"{error}\nThe {target} as it was is backed up at {outcome.safety_backup}.") from None
    outcome.created = state == "missing"
    if served:
        connections.close_all()
        outcome.cache = clear_cache()
    else:
        outcome.cache = _empty_cache_tables(target)
    outcome.migrations_missing, outcome.migrations_unknown = _migrations_compared(target)
    return outcome


def clear_cache() -> str:
    """Empty the configured cache and start a new directory generation, so that no search
    answer cached before (from another or an older database) is served."""
    try:
        cache.clear()
    except DatabaseError as error:  # a backup from before the cache table existed
        directory_changed()
        return f"The cache could not be cleared ({error}); a new directory generation was started."
    directory_changed()
    return "The cache was cleared and a new directory generation started."


def _served_or_none() -> Database | None:
    try:
        return Database.served()
    except BackupError:
        return None


def _state(database: Database) -> State:
    if database.vendor == "sqlite":
        file = Path(database.name)
        if not file.exists():
            return "missing"
        with closing(sqlite3.connect(file, timeout=20)) as db:
            tables = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        return "has tables" if tables else "empty"
    try:
        with _pg_connect(database) as db:
            row = db.execute(
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                  AND d.objid = c.oid AND d.deptype = 'e')
                """
            ).fetchone()
    except psycopg.OperationalError as error:
        if not _pg_exists(database):
            return "missing"
        raise BackupError(f"Cannot connect to the {database}: {error}") from None
    return "has tables" if row and row[0] else "empty"


def _migrations_compared(database: Database) -> tuple[list[str], list[str]]:
    """This version's latest migrations the restored database lacks, and migrations it has
    that this version does not know (a backup from a newer version)."""
    query = "SELECT app, name FROM django_migrations"
    try:
        if database.vendor == "sqlite":
            with closing(sqlite3.connect(database.name, timeout=20)) as db:
                rows = db.execute(query).fetchall()
        else:
            with _pg_connect(database) as pg:
                rows = pg.execute(query).fetchall()
    except (sqlite3.Error, psycopg.Error):
        return ["every migration (the backup has no django_migrations table)"], []
    applied = {(str(app), str(name)) for app, name in rows}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    missing = sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if (app, name) not in applied)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in applied
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    )
    return missing, unknown


def _empty_cache_tables(database: Database) -> str:
    """Empty the database cache tables in a database restored next to the one served."""
    tables = [
        str(config["LOCATION"])
        for config in settings.CACHES.values()
        if config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ]
    emptied: list[str] = []
    for table in tables:
        if not _PLAIN_NAME.fullmatch(table):
            continue
        if database.vendor == "sqlite":
            with closing(sqlite3.connect(database.name, timeout=20)) as db, db:
                if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
                    db.execute(f'DELETE FROM "{table}"')  # noqa: S608 (a plain name, checked above)
                    emptied.append(table)
        else:
            with _pg_connect(database) as pg:
                if pg.execute("SELECT to_regclass(%s)", (table,)).fetchone() not in (None, (None,)):
                    pg.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
                    emptied.append(table)
    note = f"Emptied the cache table {', '.join(emptied)} of the restored database. " if emptied else ""
    if any(config["BACKEND"] != "django.core.cache.backends.db.DatabaseCache" for config in settings.CACHES.values()):
        note += (
            "The shared cache (REDIS_URL) still holds answers from the database served now: once the app "
            "servers use the restored database, run `manage.py restore --clear-cache`."
        )
    return note.strip()


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_check(db: sqlite3.Connection, path: Path) -> None:
    try:
        result = db.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{path} fails SQLite's quick_check: {result[0] if result else 'no answer'}")


def _sqlite_check_file(path: Path) -> frozenset[str]:
    with closing(sqlite3.connect(path)) as db:
        _sqlite_check(db, path)
    return frozenset()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    """Copy the backup over the target's pages with the backup API: one write transaction on
    the target, so every other connection sees either the old database or the restored one."""
    with closing(sqlite3.connect(backup_file)) as source, closing(sqlite3.connect(target, timeout=20)) as live:
        source.backup(live)
        live.execute("PRAGMA journal_mode=WAL")  # as the site runs it (caretime.settings)
        _sqlite_check(live, target)


# --- PostgreSQL ----------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; install PostgreSQL's client tools (apt-get install postgresql-client)."
        )
    return found


def _pg_environment(database: Database) -> dict[str, str]:
    """The environment of pg_dump, pg_restore and psql: the connection without a password on
    any command line."""
    environment = dict(os.environ)
    values = {
        "PGDATABASE": database.name,
        "PGHOST": database.host,
        "PGPORT": database.port,
        "PGUSER": database.user,
        "PGPASSWORD": database.password,
    }
    values.update({_LIBPQ_ENVIRONMENT[key]: value for key, value in database.options})
    environment.update({key: value for key, value in values.items() if value})
    return environment


def _pg_connect(database: Database, dbname: str | None = None) -> psycopg.Connection[tuple[Any, ...]]:
    parameters: dict[str, Any] = {
        "dbname": dbname or database.name,
        "host": database.host,
        "port": database.port,
        "user": database.user,
        "password": database.password,
        **dict(database.options),
    }
    return psycopg.connect(autocommit=True, **{key: value for key, value in parameters.items() if value})


def _pg_exists(database: Database) -> bool:
    last: psycopg.Error | None = None
    for maintenance in ("postgres", "template1"):
        try:
            with _pg_connect(database, maintenance) as db:
                return (
                    db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database.name,)).fetchone() is not None
                )
        except psycopg.OperationalError as error:
            last = error
    raise BackupError(f"Cannot connect to the PostgreSQL server of the {database}: {last}")


def _pg_create(database: Database) -> None:
    try:
        with _pg_connect(database, "postgres") as db:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
    except psycopg.Error as error:
        raise BackupError(f"Cannot create the {database}: {error}") from None


def _run(command: list[str], database: Database, what: str) -> str:
    done = subprocess.run(  # noqa: S603 (a PostgreSQL tool found on PATH, arguments of our own)
        command, env=_pg_environment(database), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _pg_tables_schemas(dump: Path) -> frozenset[str]:
    """Check that pg_restore reads the archive; the schemas its tables are in."""
    listing = _run([_tool("pg_restore"), "--list", str(dump)], Database("postgresql", ""), "pg_restore --list")
    schemas = frozenset(match.group(1) for line in listing.splitlines() if (match := _TOC_TABLE.match(line)))
    for schema in schemas:
        if not _PLAIN_NAME.fullmatch(schema):
            raise BackupError(f"The dump has a schema named {schema!r}; restore it with pg_restore by hand.")
    return schemas or frozenset({"public"})


def _drop_objects_sql(schemas: frozenset[str]) -> str:
    """Drop what a dump creates again: every view, table, sequence, function and type in the
    dump's schemas, except those of extensions."""
    names = ", ".join(f"'{schema}'" for schema in sorted(schemas))  # plain names, checked
    return f"""
SET lock_timeout = '{LOCK_TIMEOUT}';
SET client_min_messages = warning;
DO $caretime$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT CASE WHEN c.relkind IN ('v', 'm') THEN 1 WHEN c.relkind = 'S' THEN 3 ELSE 2 END AS step,
           format('DROP %s IF EXISTS %I.%I CASCADE',
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                    WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                  n.nspname, c.relname) AS statement
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ({names}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT c.relispartition
       -- not an extension's, nor the sequence of a column (it goes with its table)
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                       AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i')
                                                AND d.refclassid = 'pg_class'::regclass)))
    UNION ALL
    SELECT 4, format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ({names}) AND p.prokind IN ('f', 'p')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                       AND d.deptype = 'e')
    UNION ALL
    SELECT 5, format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname IN ({names})
       AND (t.typtype IN ('e', 'd', 'r')
            OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                       AND d.deptype = 'e')
    ORDER BY step
  LOOP
    EXECUTE item.statement;
  END LOOP;
END
$caretime$;
"""  # noqa: S608 (schema names checked to be plain names)


def _pg_restore(dump: Path, target: Database, *, drop_first: bool, schemas: frozenset[str]) -> None:
    """BEGIN, drop the old tables (when replacing), the dump as SQL, and COMMIT only once
    pg_restore has written all of it: any failure rolls the whole restore back."""
    psql_command = [_tool("psql"), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--file=-"]
    reader_command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)]
    environment = _pg_environment(target)
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as reader_errors:
        psql = subprocess.Popen(  # noqa: S603 (psql found on PATH, arguments of our own)
            psql_command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=environment
        )
        reader = subprocess.Popen(  # noqa: S603 (pg_restore found on PATH, arguments of our own)
            reader_command, stdout=subprocess.PIPE, stderr=reader_errors, env=environment
        )
        if psql.stdin is None:
            raise ValueError("psql.stdin is missing")
        if reader.stdout is None:
            raise ValueError("reader.stdout is missing")
        with _closing_quietly(psql.stdin) as script:
            try:
                script.write(b"BEGIN;\n")
                if drop_first:
                    script.write(_drop_objects_sql(schemas).encode())
                shutil.copyfileobj(reader.stdout, script, 1 << 20)
                reader.stdout.close()
                if reader.wait() == 0:
                    script.write(b"\nCOMMIT;\n")
                # Otherwise psql reaches the end without COMMIT and the transaction is rolled back.
            except BrokenPipeError:
                pass  # psql stopped at an error: rolled back, reported below
        reader.stdout.close()
        psql_status, reader_status = psql.wait(), reader.wait()
        if psql_status != 0 or reader_status != 0:
            errors = _tail(psql_errors) if psql_status else ""
            if reader_status:  # when psql stops first, pg_restore only says it could not write to it
                errors += f"\npg_restore: {_tail(reader_errors)}"
            hint = " Stop or drain the app servers first." if "lock timeout" in errors else ""
            raise BackupError(
                f"The restore into the {target} failed and was rolled back; nothing was changed.{hint}\n"
                f"{errors.strip()}"
            )
    with _pg_connect(target) as db:
        db.execute("ANALYZE")  # planner statistics, which a restore does not bring


@contextmanager
def _closing_quietly(stream: IO[bytes]) -> Iterator[IO[bytes]]:
    try:
        yield stream
    finally:
        with suppress(BrokenPipeError):
            stream.close()


def _tail(errors: IO[bytes]) -> str:
    errors.seek(0)
    return errors.read()[-4000:].decode(errors="replace").strip()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
