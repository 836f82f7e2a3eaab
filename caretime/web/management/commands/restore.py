"""manage.py restore FILE [--into URL] [--replace]: a backup into a new database, or over one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.web.backups import BackupError, Database, restore
from caretime.web.backups import clear_cache as clear_the_cache
from caretime.web.maintenance import DRAIN_SECONDS


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`. Into a new or empty database with --into URL (then "
        "switch DATABASE_URL to it), or over the database served with --replace: a database with tables is "
        "replaced only with --replace, and is backed up first, beside FILE; replacing the database served, every "
        "write on every app server answers 503 with Retry-After from before that backup until the restore ends. "
        "PostgreSQL restores in one transaction, so a failure changes nothing. A backup that other users can "
        "read is refused unless --allow-readable. Afterwards no search answer cached before is served (the "
        "cache is cleared, a new directory generation starts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="A backup written by `manage.py backup`.")
        parser.add_argument(
            "--into",
            metavar="URL",
            help="Restore into this database (sqlite:///path or postgres://...), created when missing, "
            "instead of the one DATABASE_URL names.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a database that has tables, the one served included (its app servers then answer "
            "every write with 503 until the restore ends); it is backed up beside FILE before it is replaced.",
        )
        parser.add_argument(
            "--allow-readable",
            action="store_true",
            help="Restore FILE even though other users of this machine can read it (by default refused: "
            "chmod 600 FILE).",
        )
        parser.add_argument(
            "--drain",
            type=float,
            default=DRAIN_SECONDS,
            metavar="SECONDS",
            help="With --replace over the database served: how long the writes already under way are given "
            f"to finish once writes are paused, before the backup is taken (default {DRAIN_SECONDS}: longer "
            "than gunicorn's timeout, after which a request is killed and rolled back).",
        )
        parser.add_argument(
            "--clear-cache",
            action="store_true",
            help="Restore nothing: clear the cache and start a new directory generation (run it once the "
            "app servers use a database restored with --into, when the cache is shared: REDIS_URL).",
        )

    def handle(
        self,
        *args: Any,
        file: Path | None,
        into: str | None,
        replace: bool,
        clear_cache: bool,
        allow_readable: bool,
        drain: float,
        **options: Any,
    ) -> None:
        if clear_cache:
            if file is not None or into or replace:
                raise CommandError("--clear-cache restores nothing: give it no FILE, --into or --replace.")
            self.stdout.write(self.style.SUCCESS(clear_the_cache()))
            return
        if not 0 <= drain <= 3600:
            raise CommandError("--drain takes a number of seconds from 0 to 3600.")
        if file is None:
            raise CommandError("Name the backup to restore (or give --clear-cache).")
        try:
            done = restore(
                file,
                into=Database.from_url(into) if into else None,
                replace=replace,
                allow_readable=allow_readable,
                drain=drain,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        if done.writes_paused:
            self.stdout.write(
                "Writes were paused on every app server from before that backup until now (503 with Retry-After); "
                "they are taken again."
            )
        if done.safety_backup is not None:
            self.stdout.write(f"Before replacing it, backed up the {done.target} to {done.safety_backup}.")
        made = "a new " if done.created else "the "
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into {made}{done.target}."))
        if done.cache:
            self.stdout.write(done.cache)
        if done.migrations_unknown:
            self.stdout.write(
                self.style.WARNING(
                    "The backup has migrations this version of caretime does not know (it is from a newer "
                    f"version; serve it with that version): {', '.join(done.migrations_unknown)}."
                )
            )
        if done.migrations_missing:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates migrations of this version ({', '.join(done.migrations_missing)}): "
                    "run `manage.py migrate` against it before serving it."
                )
            )
        if not done.served:
            self.stdout.write(
                "Next: point DATABASE_URL of the app servers at it and restart them (docs/operations.md)."
            )
