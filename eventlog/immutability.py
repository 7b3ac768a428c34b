"""Database triggers that make the event table append-only, and the one sanctioned way round them.

UPDATE is always refused. DELETE and TRUNCATE are refused unless a maintenance reset is in
progress in the same transaction (used only by the test suite to reset its databases).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction

_PG_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION lineage_event_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' AND current_setting('continuity.eventlog_reset', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'lineage_event is append-only: ' || TG_OP || ' refused';
    END;
    $$ LANGUAGE plpgsql
    """,
    """CREATE TRIGGER lineage_event_no_update_delete BEFORE UPDATE OR DELETE ON lineage_event
       FOR EACH ROW EXECUTE FUNCTION lineage_event_append_only()""",
    """CREATE TRIGGER lineage_event_no_truncate BEFORE TRUNCATE ON lineage_event
       FOR EACH STATEMENT EXECUTE FUNCTION lineage_event_append_only()""",
]
_PG_REMOVE = [
    "DROP TRIGGER IF EXISTS lineage_event_no_update_delete ON lineage_event",
    "DROP TRIGGER IF EXISTS lineage_event_no_truncate ON lineage_event",
    "DROP FUNCTION IF EXISTS lineage_event_append_only()",
]
_SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS lineage_event_no_update BEFORE UPDATE ON lineage_event
       BEGIN SELECT RAISE(ABORT, 'lineage_event is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS lineage_event_no_delete BEFORE DELETE ON lineage_event
       BEGIN SELECT RAISE(ABORT, 'lineage_event is append-only: DELETE refused'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS lineage_event_no_update",
    "DROP TRIGGER IF EXISTS lineage_event_no_delete",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _PG_INSTALL if install else _PG_REMOVE
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    raise NotImplementedError(f"No append-only triggers for database vendor {vendor!r}.")


def install_triggers(apps: Any, schema_editor: Any) -> None:
    """Create the append-only triggers (migration step)."""
    for sql in _statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    """Drop the append-only triggers (migration rollback)."""
    for sql in _statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql)


@contextmanager
def reset_allowed(using: str = "default") -> Iterator[None]:
    """Allow deleting every event inside this block's transaction (test database resets only).

    The permission ends with the block, even when the block runs inside a larger transaction; if
    the block fails, rolling it back takes the permission back too.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        _allow_reset(connection, True)
        yield
        _allow_reset(connection, False)


def _allow_reset(connection: Any, allowed: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('continuity.eventlog_reset', %s, true)", ["on" if allowed else "off"])
            return
        for sql in _SQLITE_REMOVE if allowed else _SQLITE_INSTALL:
            cursor.execute(sql)
