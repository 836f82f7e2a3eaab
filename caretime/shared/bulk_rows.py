"""Writing many rows of a derived table at once, for the rebuilds.

``bulk_create`` prepares every value of every row through its model field, and on PostgreSQL
sends them as arrays it quotes in Python: for the Care Time sums that was most of a rebuild.
The rebuilds' rows are made by our own code, already of the columns' types, so they go the
plainest way each database has: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection

# Rows per executemany on SQLite: few enough that one batch stays a few MB.
_BATCH = 5000

Value = int | float | str | bool | date | list[float] | None


def write_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``; lists are JSON columns) into
    ``table``, inside the caller's transaction. Returns how many were written."""
    written = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([json.dumps(value) if isinstance(value, list) else value for value in row])
                written += 1
        return written
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    statement = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 (our table and columns; values are parameters)
    batch: list[list[str | int | float | bool | None]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([_sqlite_value(value) for value in row])
            if len(batch) >= _BATCH:
                cursor.executemany(statement, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            written += len(batch)
    return written


def _sqlite_value(value: Value) -> str | int | float | bool | None:
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
