"""Reading a few clinics' rows with SQL compiled once per process.

A clinic's page and its verdict read each evidence source's rows of one clinic (a page of
results, a few). Building and compiling the ORM's query cost several times what the
database spends on those rows: about 60 % of a first verdict of a clinic in a worker. Here a
source's query stays written once, as a queryset, but is compiled once per process and
therapy asked (None: every therapy); each read then only executes it, the clinics' ids as
one parameter (however many there are, the statement stays the same), and converts the
values as the ORM converts them. The rows are exactly the queryset's, in its order.

A query given here must depend on nothing but the therapy (no day, no setting read per
request): it is compiled once and then reused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

Row = tuple[Any, ...]
M = TypeVar("M", bound=Model)
T = TypeVar("T")

# Statements kept per read: one per therapy and one for all, with room to spare; past that
# (therapies no form checked, asked one after another) it starts again rather than grow.
_KEPT = 16

# Stands for the clinics' ids while the query is compiled; found again among its parameters
# by identity, so no value of a filter can be taken for it.
_IDS = object()


def clinic_id_list(clinic_ids: Sequence[int]) -> tuple[str, str | list[int]]:
    """SQL selecting the ids from one parameter, and that parameter: the statement is the same
    for one clinic and for thousands, and one parameter costs less to send than thousands."""
    ids = [int(clinic_id) for clinic_id in clinic_ids]
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", ids
    return "SELECT value FROM json_each(%s)", json.dumps(ids)


class _Compiled:
    """One query's SQL, where its ids go among its parameters, and its values' converters."""

    def __init__(self, query: QuerySet[Any], column: str) -> None:
        id_sql, _ = clinic_id_list([])
        query = query.filter(**{f"{column}__in": RawSQL(id_sql, (_IDS,))})  # noqa: S611 (our SQL; the ids are a parameter)
        compiler = query.query.get_compiler(using=query.db)
        sql, params = compiler.as_sql()
        places = [i for i, value in enumerate(params) if value is _IDS]
        if len(places) != 1 or compiler.has_extra_select:
            raise ValueError(f"Not a plain read of clinics' rows: {sql}")
        self.sql = sql
        self.params = list(params)
        self.ids_at = places[0]
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())

    def params_for(self, ids: object) -> list[Any]:
        params = list(self.params)
        params[self.ids_at] = ids
        return params

    def converted(self, found: Sequence[Sequence[Any]]) -> list[Row]:
        """The rows as the ORM gives them: each value through its field's converters."""
        if not self.converters:
            return [tuple(row) for row in found]
        rows = []
        for row in found:
            values = list(row)
            for at, (converters, expression) in self.converters:
                value = values[at]
                for converter in converters:
                    value = converter(value, expression, connection)
                values[at] = value
            rows.append(tuple(values))
        return rows


class ClinicRead(Generic[T]):
    """What a query (``values_list``, of the therapy asked) gives for some clinics, read by
    ``self(clinic_ids, discipline)`` with its SQL compiled once per process and therapy; the
    clinics are those whose ``column`` (the clinic's id in the query's rows) is among the ids."""

    def __init__(
        self, query: Callable[[str | None], QuerySet[Any]], made: Callable[[Row], T], column: str = "clinic_id"
    ) -> None:
        self._query = query
        self._made = made
        self._column = column
        # Two threads may both compile a statement the first time: the same SQL, either kept.
        self._compiled: dict[tuple[str, str, str | None], _Compiled] = {}

    def statement(self, discipline: str | None) -> _Compiled:
        key = (connection.alias, connection.vendor, discipline)
        compiled = self._compiled.get(key)
        if compiled is None:
            if len(self._compiled) >= _KEPT:
                self._compiled.clear()
            compiled = self._compiled[key] = _Compiled(self._query(discipline), self._column)
        return compiled

    def made(self, rows: list[Row]) -> list[T]:
        made = self._made
        return [made(row) for row in rows]

    def __call__(self, clinic_ids: Sequence[int], discipline: str | None = None) -> list[T]:
        return read_together([self], clinic_ids, discipline)[0]


def _in_one_round_trip() -> bool:
    return (
        connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("server_side_binding") is not True
    )


def read_together(
    reads: Sequence[ClinicRead[Any]], clinic_ids: Sequence[int], discipline: str | None
) -> list[list[Any]]:
    """What each read gives for these clinics, as ``read(clinic_ids, discipline)`` gives it, in
    one round trip on PostgreSQL: psycopg's client-side cursor (Django's unless the database's
    options ask for server-side binding) takes the statements in one execute and hands their
    results over in turn, where a round trip each cost about as much again as the reads
    themselves. SQLite, in this process, has no round trip to save."""
    if not clinic_ids:
        return [[] for _ in reads]
    statements = [read.statement(discipline) for read in reads]
    ids = clinic_id_list(clinic_ids)[1]
    found: list[list[Any]] = []
    with connection.cursor() as cursor:
        if _in_one_round_trip() and len(statements) > 1:
            cursor.execute(
                "; ".join(statement.sql for statement in statements),
                [param for statement in statements for param in statement.params_for(ids)],
            )
            for at, (read, statement) in enumerate(zip(reads, statements, strict=True)):
                if at:
                    cursor.nextset()
                found.append(read.made(statement.converted(cursor.fetchall())))
            return found
        for read, statement in zip(reads, statements, strict=True):
            cursor.execute(statement.sql, statement.params_for(ids))
            found.append(read.made(statement.converted(cursor.fetchall())))
    return found


def clinic_rows(query: Callable[[str | None], QuerySet[Any]], column: str = "clinic_id") -> ClinicRead[Row]:
    """A read of the query's rows as they are."""
    return ClinicRead(query, lambda row: row, column)


def clinic_models(
    model: type[M], query: Callable[[str | None], QuerySet[M]], column: str = "clinic_id"
) -> ClinicRead[M]:
    """A read of the query's rows as model instances, as the queryset itself would give them
    (every concrete field read, each made by ``Model.from_db``)."""
    names = [field.attname for field in model._meta.concrete_fields]

    def made(row: Row) -> M:
        return model.from_db(connection.alias, names, row)

    return ClinicRead(lambda discipline: query(discipline).values_list(*names), made, column)
