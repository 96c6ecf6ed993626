"""Set-based inserts for the import: ids taken in advance, rows streamed to the database.

``bulk_create`` spends several microseconds per value building model instances
and compiling SQL, which at a million people is most of an import. Here rows
are plain lists in the order of the model's columns, with the model's defaults;
primary keys are reserved first (so households can name their head and
documents their holder before anything is inserted), and rows go out by
``COPY`` on PostgreSQL and ``executemany`` on SQLite, the two databases imports
run on. Foreign keys are checked at commit (Django creates them deferred). Only
the import writes this way.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Field, Model

# Values both drivers take as they are; the others are converted for SQLite.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
# psycopg adapts these itself.
_AS_IS_POSTGRES = _AS_IS | {"DateField", "DateTimeField", "UUIDField"}


class Rows:
    """Rows of one model as lists in the order of its columns, the model's defaults filled in."""

    def __init__(self, model: type[Model], *, with_pk: bool = True) -> None:
        self.model = model
        self.fields: list[Field[Any, Any]] = [
            f for f in model._meta.concrete_fields if with_pk or not f.primary_key
        ]
        self.names = [f.attname for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self._template: list[Any] = []
        self._computed: list[tuple[int, Callable[[], Any]]] = []
        for i, field in enumerate(self.fields):
            if field.has_default() and callable(field.default):
                default = field.default
                self._computed.append((i, time_ordered_uuid if default is uuid.uuid4 else default))
                self._template.append(_UNSET)
            else:
                self._template.append(field.get_default())

    def row(self, values: Mapping[str, Any]) -> list[Any]:
        row = self._template.copy()
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        for i, default in self._computed:
            if row[i] is _UNSET:  # computed only when not given (a uuid, not a timestamp)
                row[i] = default()
        return row


_UNSET: Any = object()


def time_ordered_uuid() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): the time in milliseconds, then 74 random bits.

    Imported records get these rather than version 4: consecutive keys land at
    the end of each UUID index instead of on random pages, which at a million
    people is a third of the import's time. 74 random bits keep them unguessable.
    """
    milliseconds = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    random = secrets.randbits(74)
    return uuid.UUID(
        int=milliseconds << 80
        | 0x7 << 76
        | (random >> 62) << 64
        | 0b10 << 62
        | random & ((1 << 62) - 1)
    )


class Inserter:
    """Reserves primary keys and inserts rows of one model at a time on one connection."""

    def __init__(self, using: str = "default") -> None:
        self.connection = connections[using]
        if self.connection.vendor not in ("postgresql", "sqlite"):
            raise ImproperlyConfigured(
                f"Imports need PostgreSQL or SQLite, not {self.connection.vendor}."
            )
        self.postgres = self.connection.vendor == "postgresql"

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        """``count`` new primary keys of ``model``, unused by anyone else.

        PostgreSQL draws them from the column's sequence; SQLite holds the write
        lock for the whole transaction, so the ids after the largest are free.
        """
        if count == 0:
            return []
        quote = self.connection.ops.quote_name
        table = model._meta.db_table
        column = str(model._meta.pk.column)
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [quote(table), column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")  # noqa: S608 -- names from the model
            last = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            last = max(last, found[0] if found else 0)
        return list(range(last + 1, last + count + 1))

    def converter(self, field: Field[Any, Any]) -> Callable[[Any], Any] | None:
        kind = field.get_internal_type()
        if kind in (_AS_IS_POSTGRES if self.postgres else _AS_IS):
            return None
        if kind == "JSONField":
            return json.dumps
        if kind == "FileField":
            return str
        connection = self.connection
        # The same few timestamps recur on every row of a batch.
        return lru_cache(maxsize=64)(lambda value: field.get_db_prep_save(value, connection))

    def insert(
        self, model: type[Model], fields: Sequence[Field[Any, Any]], rows: Iterable[list[Any]]
    ) -> None:
        """Insert ``rows`` (lists of Python values in the order of ``fields``) into ``model``."""
        converters = [(i, c) for i, f in enumerate(fields) if (c := self.converter(f)) is not None]

        def prepared() -> Iterable[list[Any]]:
            for row in rows:
                if converters:
                    row = row.copy()
                    for i, convert in converters:
                        if row[i] is not None:
                            row[i] = convert(row[i])
                yield row

        quote = self.connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(str(f.column)) for f in fields)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in prepared():
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 -- names from the model
                    list(prepared()),
                )

    def insert_rows(self, rows: Rows, values: Iterable[list[Any]]) -> None:
        self.insert(rows.model, rows.fields, values)

    def insert_history(
        self,
        rows: Rows,
        values: Sequence[list[Any]],
        *,
        user_id: int | None,
        reason: str,
        at: datetime,
    ) -> None:
        """One "created" history row per row, as django-simple-history would write it."""
        history = rows.model.history.model  # type: ignore[attr-defined]
        fields = [f for f in history._meta.concrete_fields if not f.primary_key]
        fixed = {
            "history_date": at,
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": user_id,
        }
        plan = [
            (-1, fixed[f.attname]) if f.attname in fixed else (rows.index[f.attname], None)
            for f in fields
        ]
        self.insert(
            history,
            fields,
            ([row[i] if i >= 0 else value for i, value in plan] for row in values),
        )
