"""Hot reads on Django's PostgreSQL connection, and model rows built from them.

The ORM binds parameters client-side and compiles every query afresh. The few hot statements
that run thousands of times (event log appends and reads, projections' row reads and writes,
impact analysis, a worker's state) are written once as SQL and sent through `config.batch`,
which prepares them on the server and sends several in one write. `model_columns` and
`model_from_row` turn such a statement's row into a model instance exactly as the ORM would.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from config import batch


def current() -> Any:
    """Return this thread's default database wrapper itself.

    Django's `connection` is a proxy that looks the wrapper up in a thread-local on every attribute
    access (a few microseconds each); hot paths that touch it dozens of times per event-log append
    look it up once.
    """
    return connections[DEFAULT_DB_ALIAS]


def raw_connection(db: Any = None) -> Any:
    """Return this thread's psycopg connection (PostgreSQL only), connecting if needed."""
    db = db or current()
    if db.connection is None:
        db.ensure_connection()
    return db.connection


def fetch_pipelined(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
    """Run independent SELECTs and return each one's rows: one round trip on PostgreSQL."""
    db = current()
    if db.vendor != "postgresql":
        results = []
        for sql, params in statements:
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
        return results
    with db.wrap_database_errors:
        return [result.rows for result in batch.run(raw_connection(db), statements)]


def fetch_models(model: type[models.Model], sql: str, params: Sequence[Any]) -> list[Any]:
    """Return model instances from a SELECT of `model_columns(model, alias)`, sent as a prepared statement.

    For hot reads that the ORM would compile afresh on every call (compiling cost more than running).
    """
    return [model_from_row(model, row) for row in fetch_pipelined([(sql, params)])[0]]


def fetch_model(model: type[models.Model], pk: Any) -> Any:
    """Return the row with this primary key (None if there is none), read as `fetch_models` reads."""
    key = model._meta.pk.get_db_prep_value(pk, connection)
    found = fetch_models(model, select_by_pk_sql(model), [key])
    return found[0] if found else None


@functools.lru_cache(maxsize=1024)
def select_by_pk_sql(model: type[models.Model], columns: tuple[str, ...] = (), count: int | None = 1) -> str:
    """Return a SELECT of the model's columns (or the named ones) by primary key, built once:
    `= %s` for one key, `IN` with `count` markers for several, `= ANY(%s)` for an array (count None)."""
    quote, meta = connection.ops.quote_name, model._meta
    selected = ", ".join(quote(c) for c in columns) if columns else model_columns(model)
    head = f"SELECT {selected} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)}"
    if count is None:
        return f"{head} = ANY(%s)"
    return f"{head} = %s" if count == 1 else f"{head} IN ({', '.join(['%s'] * count)})"


def model_columns(model: type[models.Model], alias: str = "") -> str:
    """Return the quoted columns of a model's concrete fields, in the order `model_from_row` reads them."""
    quote, prefix = connection.ops.quote_name, f"{alias}." if alias else ""
    return ", ".join(prefix + quote(f.column) for f in model._meta.concrete_fields)


def model_from_row(model: type[models.Model], values: Sequence[Any]) -> Any:
    """Build a model instance from the values of `model_columns`, converting them as the ORM would."""
    db = current()
    attnames, converters = _row_format(model, db.vendor)
    values = list(values[: len(attnames)])
    for index, field_converters, expression in converters:
        for convert in field_converters:
            values[index] = convert(values[index], expression, db)
    return model.from_db(db.alias, attnames, values)


_ROW_FORMATS: dict[tuple[type[models.Model], str], tuple[list[str], list[tuple[int, list[Any], Any]]]] = {}


def _row_format(model: type[models.Model], vendor: str) -> tuple[list[str], list[tuple[int, list[Any], Any]]]:
    """Return the model's attribute names and, per column needing them, the ORM's converters (cached)."""
    key = (model, vendor)
    if key not in _ROW_FORMATS:
        compiler = model._default_manager.all().query.get_compiler(connection=connection)
        compiler.setup_query()
        columns = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(columns)
        _ROW_FORMATS[key] = ([column.target.attname for column in columns],
                             [(index, list(convs), expression) for index, (convs, expression) in converters.items()])
    return _ROW_FORMATS[key]
