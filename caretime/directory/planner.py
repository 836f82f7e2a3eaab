"""The database planner's figures for tables just written in bulk.

Until autovacuum comes round (and never where it is off), PostgreSQL plans with the figures of
the tables as they were, and SQLite has none at all until ANALYZE: a bulk load left as it is
can be read by scanning every row where an index takes a handful.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models


def refresh_planner_statistics(tables: Iterable[type[models.Model]]) -> None:
    """ANALYZE these models' tables."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
