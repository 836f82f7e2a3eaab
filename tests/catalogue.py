"""A small Spanish catalogue written by a test, for tests that show words are looked up when
they are shown, whatever the shipped catalogue holds at the time."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings

Messages = dict[str | tuple[str, str], str | tuple[str, str]]


@contextmanager
def spanish_catalogue(directory: Path, messages: Messages) -> Iterator[None]:
    """``messages`` as the site's only Spanish catalogue while the block runs (written under
    ``directory``); changing LOCALE_PATHS makes Django load it afresh."""
    write_catalogue(directory / "es" / "LC_MESSAGES" / "django.mo", messages)
    with override_settings(LOCALE_PATHS=[str(directory)]):
        yield


def write_catalogue(path: Path, messages: Messages) -> None:
    """A GNU .mo file (the format gettext reads) holding ``messages``; a pair is a message with
    its plural."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    entries = {"": header}
    for key, value in messages.items():
        entries["\0".join(key) if isinstance(key, tuple) else key] = (
            "\0".join(value) if isinstance(value, tuple) else value
        )
    keys = sorted(entries)
    originals = [key.encode() for key in keys]
    translations = [entries[key].encode() for key in keys]
    count = len(keys)
    table_start = 7 * 4
    data_start = table_start + 2 * count * 8
    tables, data = b"", b""
    for strings in (originals, translations):
        for text in strings:
            tables += struct.pack("<2I", len(text), data_start + len(data))
            data += text + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, table_start, table_start + count * 8, 0, 0)
    path.parent.mkdir(parents=True)
    path.write_bytes(head + tables + data)
