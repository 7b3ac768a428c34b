"""Replay of 100k events into the read models, beside a raw scan of the event table.

The log holds studio and membership events (studios, members joining, role changes) and, where
the asset app is installed, asset events (assets, versions, review steps), appended through
`eventlog.append_streams`. Replay reads the log in order, decodes and upcasts every
event, runs every projection's handlers and bulk-inserts the rebuilt tables.
"""

from __future__ import annotations

import importlib.util
import time
import uuid
from typing import Any

from bench.harness import Table, median, per_second, ratio, timed

EVENTS = 100_000
STUDIOS_PER_APPEND = 50
MEMBERS_PER_STUDIO = 10
ASSETS_PER_STUDIO = 2
ROUNDS = 3


def _studio_events(studio_id: str, first_user: int) -> list[Any]:
    from studios.events import MemberAdded, MemberRoleChanged, StudioCreated

    users = range(first_user, first_user + MEMBERS_PER_STUDIO)
    events: list[Any] = [StudioCreated(studio_id=studio_id, name=f"Studio {first_user}", created_by_id=first_user)]
    events += [MemberAdded(studio_id=studio_id, user_id=u, username=f"user{u}", role="viewer") for u in users]
    events += [MemberRoleChanged(studio_id=studio_id, user_id=u, role="artist") for u in users[1:]]
    return events


def _asset_writes(studio_id: str) -> list[Any]:
    from assets import events as a
    from eventlog import StreamWrite

    writes = []
    for n in range(ASSETS_PER_STUDIO):
        asset_id = str(uuid.uuid4())
        versions = [a.AssetVersionCreated(asset_id=asset_id, studio_id=studio_id, number=v,
                                          attributes={"colour": f"shade {v}"}, references=[], components=[],
                                          derived_from=None, note=f"take {v}", author="bench") for v in (1, 2)]
        writes.append(StreamWrite(a.stream(asset_id), [
            a.AssetCreated(asset_id=asset_id, studio_id=studio_id, kind="prop", name=f"Prop {n}"), *versions,
            a.AssetVersionSubmitted(asset_id=asset_id, number=2, comment="", author="bench"),
            a.AssetVersionApproved(asset_id=asset_id, number=2, comment="ok", author="bench"),
        ], expected_version=0))
    return writes


def _fill_log() -> str:
    """Append about EVENTS events in transactions of STUDIOS_PER_APPEND studios; describe the mix."""
    import eventlog
    from eventlog import StreamWrite
    from studios.events import stream

    with_assets = importlib.util.find_spec("assets.services") is not None
    user = 1
    while eventlog.head_position() < EVENTS:
        writes = []
        for _ in range(STUDIOS_PER_APPEND):
            studio_id = str(uuid.uuid4())
            writes.append(StreamWrite(stream(studio_id), _studio_events(studio_id, user), expected_version=0))
            writes += _asset_writes(studio_id) if with_assets else []
            user += MEMBERS_PER_STUDIO
        eventlog.append_streams(writes)
    return "studio, membership and asset events" if with_assets else "studio and membership events"


def _raw_scan(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT * FROM lineage_event ORDER BY position")
        return len(cursor.fetchall())  # psycopg decodes jsonb into Python objects, as replay must


def run(url: str) -> Table:
    """Fill the log, then time a raw scan, a replay, a replay check and a chain verification."""
    import eventlog

    started = time.perf_counter()
    mix = _fill_log()
    count = eventlog.head_position()
    fill = time.perf_counter() - started
    scan = median([timed(lambda: _raw_scan(url)) for _ in range(ROUNDS)])
    replay = median([timed(eventlog.replay) for _ in range(ROUNDS)])
    check = timed(lambda: _expect_clean(eventlog.replay_check()))
    verify = timed(lambda: _expect_clean(None if eventlog.verify().ok else "chain broken"))
    table = Table(f"Replay of {count:,} events on PostgreSQL ({mix})",
                  ["operation", "seconds", "events/s", "vs raw scan"])
    table.rows += [
        ["raw scan: psycopg `SELECT * … ORDER BY position`, fetchall", f"{scan:.2f}", per_second(count, scan), "1.00x"],
        ["`eventlog replay` (rebuild every read model)", f"{replay:.2f}", per_second(count, replay),
         ratio(1 / replay, 1 / scan)],
        ["`eventlog replay --check` (rebuild in a rolled-back transaction, compare)", f"{check:.2f}",
         per_second(count, check), ratio(1 / check, 1 / scan)],
        ["`eventlog verify` (recompute the SHA-256 chain)", f"{verify:.2f}", per_second(count, verify),
         ratio(1 / verify, 1 / scan)],
    ]
    table.notes += [f"Scan and replay: median of {ROUNDS} runs; check and verify: one run each.",
                    f"Filling the log through `append_streams` took {fill:.1f}s "
                    f"({per_second(count, fill)} with live projections)."]
    return table


def _expect_clean(difference: str | None) -> None:
    if difference:
        raise SystemExit(f"benchmark log is inconsistent: {difference}")
