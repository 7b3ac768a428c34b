"""Server-side-binding psycopg cursors on Django's PostgreSQL connection.

The ORM's cursors bind parameters client-side, so PostgreSQL plans every statement afresh. The few
hot statements that run thousands of times (event log appends and reads, impact analysis) go
through these cursors instead: psycopg prepares a statement once it has seen it a few times on a
connection (`prepare_threshold`, set in settings) and can pipeline several statements in one
round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def server_cursor() -> Any:
    """Return a new server-side-binding psycopg cursor on this thread's connection (PostgreSQL only)."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def fetch_pipelined(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
    """Run independent SELECTs and return each one's rows: one round trip on PostgreSQL."""
    if connection.vendor != "postgresql":
        results = []
        for sql, params in statements:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
        return results
    cursors = [server_cursor() for _ in statements]
    with connection.wrap_database_errors:
        with connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        return [cursor.fetchall() for cursor in cursors]
