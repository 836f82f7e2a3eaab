"""The message catalogues: each ``.po`` (the text translators edit) beside the ``.mo`` that
Django reads, compiled with polib, so that no machine needs GNU gettext to build or run the
site. The ``.mo`` files are committed and shipped in the wheel; ``make`` recompiles one when
its ``.po`` changes, and a test holds every ``.mo`` to its ``.po``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import polib
from django.conf import settings


def sources() -> list[Path]:
    """Every ``.po`` under LOCALE_PATHS."""
    return sorted(po for root in settings.LOCALE_PATHS for po in Path(root).glob("*/LC_MESSAGES/*.po"))


def compiled(po: Path) -> bytes:
    """The ``.mo`` of ``po``: its translated entries (never the fuzzy or empty ones, which
    gettext would show as the English instead)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "messages.mo"
        polib.pofile(str(po)).save_as_mofile(str(target))
        return target.read_bytes()


def stale(catalogues: Iterable[Path]) -> list[Path]:
    """The ``.po`` files whose ``.mo`` is missing or differs from what they compile to."""
    return [
        po
        for po in catalogues
        if not po.with_suffix(".mo").is_file() or po.with_suffix(".mo").read_bytes() != compiled(po)
    ]


def compile_all(catalogues: Iterable[Path]) -> list[Path]:
    """Write the ``.mo`` of each ``.po`` that changed; the ``.po`` files written."""
    written = []
    for po in stale(catalogues):
        po.with_suffix(".mo").write_bytes(compiled(po))
        written.append(po)
    return written
