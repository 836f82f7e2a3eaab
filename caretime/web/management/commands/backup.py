"""manage.py backup FILE: a backup of the database served, made with the database's own tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.web.backups import BackupError, backup, check_folder, left_out


class Command(BaseCommand):
    help = (
        "Back up the database DATABASE_URL names to FILE, safely while the site runs: SQLite's online "
        "backup API (a plain SQLite file), or pg_dump --format=custom. FILE must not exist; it appears only "
        "once the backup is complete and checked, readable by you alone (0600), in a folder others cannot write "
        "to. Sessions, e-mail confirmation keys and the cache table are left out (their tables are kept "
        "empty); authenticator secrets are in it only encrypted. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup to write (e.g. caretime-2026-11-30.dump).")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            database = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up the {database} to {file} ({file.stat().st_size:,} bytes)."))
        self.stdout.write(f"Left out (their tables are empty in the backup): {', '.join(sorted(left_out()))}.")
        warning = check_folder(file.parent)
        if warning:
            self.stdout.write(self.style.WARNING(warning))
