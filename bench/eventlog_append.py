"""Appends per second through `eventlog.append` beside raw psycopg INSERTs of the same rows.

Both sides write the same row shape (position, stream, version, type, schema version, JSON data,
JSON metadata, time, hash) into tables with the same columns, indexes and constraints, with the
server's default durability (synchronous_commit on). Ours takes the append lock, checks the
stream's expected version, computes the SHA-256 chain and runs the projections; the event type
is one no projection handles, so read-model writes are not part of the cost.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.harness import Table, median, per_second, ratio
from eventlog import DomainEvent

SECONDS_PER_RUN = 1.2
ROUNDS = 3
CASES = [(1, 1), (1, 4), (100, 1), (100, 4)]  # (events per transaction, writer threads)
_RAW_POSITIONS = itertools.count(1)  # next() on a count is atomic under the GIL
_COLUMNS = "position, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash"


@dataclass(frozen=True)
class BenchmarkPointMeasured(DomainEvent):
    """A payload no projection handles (so appends cost no read-model writes)."""

    sample: int
    label: str
    values: list[float]


def _event(n: int) -> BenchmarkPointMeasured:
    return BenchmarkPointMeasured(sample=n, label=f"sample {n}", values=[n * 0.5, n * 0.25])


def _run_threads(threads: int, work: Callable[[int, float], int]) -> float:
    """Run `work(thread_index, deadline)` in threads; return events per second over all of them."""
    counts, errors = [0] * threads, []
    started = time.perf_counter()
    deadline = started + SECONDS_PER_RUN

    def target(index: int) -> None:
        try:
            counts[index] = work(index, deadline)
        except Exception as exc:  # re-raised in the main thread below
            errors.append(exc)

    pool = [threading.Thread(target=target, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    return sum(counts) / (time.perf_counter() - started)


def _ours(per_tx: int) -> Callable[[int, float], int]:
    from django.db import connection

    import eventlog

    def work(index: int, deadline: float) -> int:
        stream, version, count = f"bench-{uuid.uuid4()}", 0, 0
        try:
            while time.perf_counter() < deadline:
                events = [_event(count + i) for i in range(per_tx)]
                eventlog.append(stream, events, expected_version=version, studio_id=None)
                version, count = version + per_tx, count + per_tx
        finally:
            connection.close()
        return count

    return work


def _raw(url: str, per_tx: int) -> Callable[[int, float], int]:
    import psycopg

    insert = f"INSERT INTO bench_raw_event ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s)"
    metadata = json.dumps({"actor": None, "actor_id": None, "studio": None, "correlation_id": str(uuid.uuid4()),
                           "causation_id": None}, sort_keys=True, separators=(",", ":"))

    def work(index: int, deadline: float) -> int:
        stream, version, count = f"raw-{uuid.uuid4()}", 0, 0
        with psycopg.connect(url) as conn, conn.cursor() as cursor:
            while time.perf_counter() < deadline:
                now = datetime.now(UTC)
                rows = []
                for i in range(per_tx):
                    data = json.dumps(_event(count + i).to_data(), sort_keys=True, separators=(",", ":"))
                    rows.append((next(_RAW_POSITIONS), stream, version + i + 1, "BenchmarkPointMeasured", 1, data,
                                 metadata, now, "0" * 64))
                if per_tx == 1:
                    cursor.execute(insert, rows[0])
                else:
                    cursor.executemany(insert, rows)
                conn.commit()
                version, count = version + per_tx, count + per_tx
        return count

    return work


def _create_raw_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_event")
        # Same columns, types, primary key, unique (stream, version) and index; no triggers.
        conn.execute("CREATE TABLE bench_raw_event (LIKE lineage_event INCLUDING ALL)")


def run(url: str) -> Table:
    """Measure both sides for each case, interleaved over several rounds; report medians."""
    _create_raw_table(url)
    table = Table(
        "Event log appends on PostgreSQL (events/s, median of 3 interleaved runs)",
        ["events/transaction", "writer threads", "raw psycopg INSERT", "eventlog.append", "ratio"],
    )
    for per_tx, threads in CASES:
        raw_rates, our_rates = [], []
        for _ in range(ROUNDS):
            raw_rates.append(_run_threads(threads, _raw(url, per_tx)))
            our_rates.append(_run_threads(threads, _ours(per_tx)))
        raw, ours = median(raw_rates), median(our_rates)
        baseline = "execute" if per_tx == 1 else "executemany"
        table.rows.append([per_tx, threads, f"{raw:,.0f}/s ({baseline})", f"{ours:,.0f}/s", ratio(ours, raw)])
    table.notes += [
        "Raw: psycopg 3 `execute` (1 event) or `executemany` (100 events, pipelined) into a plain copy of "
        "lineage_event (`LIKE … INCLUDING ALL`: same columns, keys and indexes, no triggers), one commit per "
        "transaction, synchronous_commit on.",
        "Ours: `eventlog.append(stream, events, expected_version=n)` with the append lock, the expected-"
        "version check, the SHA-256 hash chain and the projection step; the event type is not projected, so "
        "read-model writes are excluded.",
        f"Each run lasts {SECONDS_PER_RUN}s; raw and ours alternate within each round.",
    ]
    _ = per_second  # formatting helper kept for other benches
    return table
