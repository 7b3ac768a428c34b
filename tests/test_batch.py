"""config.batch on PostgreSQL: statements sent in one write, results in order, errors, transactions, and
the server-side prepared statements it owns (made on a statement's second run, kept across rollbacks,
bounded, forgotten when a Parse fails, and not made at all when turned off)."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from config import batch
from config.database import raw_connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="config.batch speaks PostgreSQL's protocol"),
]


@pytest.fixture
def table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_probe (id int PRIMARY KEY, note text, at timestamptz)")
    yield "batch_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS batch_probe")


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE '\\_cb%%'")
        return {row[0] for row in cursor.fetchall()}


def _sent_to_server(monkeypatch) -> list[int]:
    """Count libpq flushes that leave nothing behind: one per write of a batch."""
    writes: list[int] = []
    original = batch._flush
    monkeypatch.setattr(batch, "_flush", lambda pgconn: (writes.append(1), original(pgconn)))
    return writes


def test_several_statements_go_in_one_write_and_answer_in_order(table, monkeypatch):
    # given
    writes = _sent_to_server(monkeypatch)
    moment = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    statements = [(f"INSERT INTO {table} VALUES (%s, %s, %s)", [1, "a", moment]),
                  (f"INSERT INTO {table} VALUES (%s, %s, %s), (%s, %s, %s)", [2, "b", moment, 3, None, moment]),
                  (f"UPDATE {table} SET note = %s WHERE id > %s", ["z", 1]),
                  (f"SELECT id, note, at FROM {table} ORDER BY id", [])]
    # when
    inserted, inserted_two, updated, selected = batch.run(raw_connection(), statements)
    # then
    assert (inserted.rowcount, inserted_two.rowcount, updated.rowcount) == (1, 2, 2)
    assert selected.rows == [(1, "a", moment), (2, "z", moment), (3, "z", moment)]
    assert len(writes) == 2  # the statements, then the sync


def test_binary_results_load_the_same_values(table):
    # given
    moment = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
    batch.run(raw_connection(), [(f"INSERT INTO {table} VALUES (%s, %s, %s)", [1, "é", moment])])
    # when
    rows = batch.run(raw_connection(), [(f"SELECT id, note, at FROM {table}", [])], binary=True)[0].rows
    # then
    assert rows == [(1, "é", moment)]


def test_a_failed_statement_raises_its_error_and_the_rest_are_skipped(table):
    # given
    statements = [(f"INSERT INTO {table} VALUES (%s, %s, NULL)", [1, "a"]),
                  (f"INSERT INTO {table} VALUES (%s, %s, NULL)", [1, "again"]),
                  (f"INSERT INTO {table} VALUES (%s, %s, NULL)", [2, "never"])]
    # when
    with pytest.raises(IntegrityError, match="duplicate key"), transaction.atomic():
        with connection.wrap_database_errors:
            batch.run(raw_connection(), statements)
    # then
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == 0  # the block rolled back, the third was never run


@pytest.mark.django_db(transaction=True)
def test_a_batch_begins_the_transaction_of_the_atomic_block_it_runs_in(table):
    # given
    class Undo(Exception):
        pass

    # when
    with pytest.raises(Undo), transaction.atomic():
        batch.run(raw_connection(), [(f"INSERT INTO {table} VALUES (1, 'a', NULL)", [])])
        raise Undo
    # then
    assert batch.run(raw_connection(), [(f"SELECT count(*) FROM {table}", [])])[0].rows == [(0,)]
    assert raw_connection().pgconn.transaction_status == 0  # idle: nothing left open


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_a_parameter_cannot_be_adapted(table):
    # given: autocommit, where anything sent would commit at the sync
    raw = raw_connection()
    statements = [(f"INSERT INTO {table} VALUES (%s, 'a', NULL)", [1]),
                  (f"INSERT INTO {table} VALUES (%s, 'a', NULL)", [object()])]
    # when
    with pytest.raises(psycopg.ProgrammingError):
        batch.run(raw, statements)
    # then
    assert raw.pgconn.pipeline_status == 0
    assert batch.run(raw, [(f"SELECT count(*) FROM {table}", [])])[0].rows == [(0,)]


def test_a_statement_is_prepared_on_its_second_run_and_survives_a_rollback(table):
    # given
    sql = f"SELECT note FROM {table} WHERE id = %s"
    batch.run(raw_connection(), [(sql, [1])])
    assert f"SELECT note FROM {table} WHERE id = $1" not in _prepared()
    # when
    batch.run(raw_connection(), [(sql, [1])])
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        for _ in range(6):  # as often as would make psycopg prepare it, were its own preparing on
            psycopg.Cursor(raw_connection()).execute(f"SELECT id FROM {table} WHERE id = %s", [1])
        raise Undo
    # then: psycopg, which prepares nothing itself, sent no DEALLOCATE ALL on the rollback
    assert f"SELECT note FROM {table} WHERE id = $1" in _prepared()
    assert batch.run(raw_connection(), [(sql, [1])])[0].rows == []


def test_prepared_statements_are_bounded_least_recently_used_first(table, monkeypatch):
    # given
    monkeypatch.setattr(batch, "_PREPARED_MAX", 2)
    statements = [f"SELECT {n} FROM {table} WHERE id = %s" for n in range(3)]
    # when
    for sql in statements:
        batch.run(raw_connection(), [(sql, [1]), (sql, [1])])
    # then
    prepared = {s for s in _prepared() if "batch_probe" in s}
    assert prepared == {f"SELECT {n} FROM {table} WHERE id = $1" for n in (1, 2)}
    assert [r.rows for r in batch.run(raw_connection(), [(statements[0], [1]), (statements[0], [1])])] == [[], []]


def test_a_statement_whose_parse_failed_is_prepared_again_next_time(table):
    # given: the Parse is aborted by the failure before it
    failing = [(f"INSERT INTO {table} VALUES (1, 'a', NULL)", []), (f"INSERT INTO {table} VALUES (1, 'a', NULL)", [])]
    sql = f"SELECT count(*) FROM {table} WHERE id > %s"
    batch.run(raw_connection(), [(sql, [0])])
    with pytest.raises(psycopg.errors.UniqueViolation), transaction.atomic():
        batch.run(raw_connection(), [*failing, (sql, [0])])
    # when
    result = batch.run(raw_connection(), [(sql, [0])])
    # then
    assert result[0].rows == [(0,)]


def test_with_prepared_statements_turned_off_nothing_is_prepared(table, settings):
    # given
    settings.DATABASE_PREPARED_STATEMENTS = False
    sql = f"SELECT id FROM {table} WHERE id = %s AND note IS NULL"
    # when
    for _ in range(3):
        batch.run(raw_connection(), [(sql, [1])])
    # then
    assert not any("note IS NULL" in statement for statement in _prepared())


def test_a_batch_refuses_to_run_inside_psycopgs_pipeline(table):
    # given
    raw = raw_connection()
    # when
    with raw.pipeline(), pytest.raises(RuntimeError, match="pipeline"):
        batch.run(raw, [(f"SELECT 1 FROM {table}", [])])
    # then: the connection still works
    assert batch.run(raw, [("SELECT %s::int", [7])])[0].rows == [(7,)]



def test_a_doubled_percent_sign_is_a_literal_one_and_other_placeholders_are_refused(table):
    # given
    raw = raw_connection()
    batch.run(raw, [(f"INSERT INTO {table} VALUES (1, %s, NULL)", ["50% off"])])
    # when
    found = batch.run(raw, [(f"SELECT id FROM {table} WHERE note LIKE '%%' || %s", ["off"])])[0].rows
    # then
    assert found == [(1,)]
    with pytest.raises(ValueError, match="unsupported placeholder"):
        batch.run(raw, [(f"SELECT id FROM {table} WHERE id = %(id)s", {"id": 1})])
