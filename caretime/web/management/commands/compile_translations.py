"""manage.py compile_translations: each message catalogue (.po) compiled to the .mo Django
reads, with polib instead of GNU gettext (caretime.web.catalogues)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.web.catalogues import compile_all, sources, stale


class Command(BaseCommand):
    help = (
        "Compile every message catalogue under LOCALE_PATHS (.po) to the .mo file Django reads. "
        "With --check, change nothing and fail if a .mo is missing or out of date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only check that every .mo is up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        catalogues = sources()
        if options["check"]:
            behind = stale(catalogues)
            if behind:
                names = ", ".join(str(po) for po in behind)
                raise CommandError(f"Out of date: {names}. Run `manage.py compile_translations`.")
            self.stdout.write(f"{len(catalogues)} catalogue(s) up to date.")
            return
        written = compile_all(catalogues)
        self.stdout.write(self.style.SUCCESS(f"Compiled {len(written)} of {len(catalogues)} catalogue(s)."))
