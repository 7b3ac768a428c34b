"""`GET /api/events/` for a caller whose studio is quiet, as the rest of the log grows.

A member of one small studio asks for the events after their studio's last one (`limit=1`):
nothing is there for them, however many events other studios append. Timed at two log sizes,
beside the cheapest query that can answer (psycopg, one indexed SELECT), so the figure that
matters is the ratio between the two sizes: reading one studio's events must cost what that
studio's events cost, not what the log costs.
"""

from __future__ import annotations

import uuid

from bench.harness import Table, median, ratio, timed

SIZES = (10_000, 40_000)
ROUNDS = 200
STUDIOS_PER_APPEND = 50
MEMBERS_PER_STUDIO = 20


def _grow_log_to(events: int) -> None:
    """Append other studios' events (a studio and its members per stream) until the log holds `events`."""
    import eventlog
    from eventlog import StreamWrite
    from studios.events import MemberAdded, StudioCreated, stream

    while eventlog.head_position() < events:
        writes = []
        for _ in range(STUDIOS_PER_APPEND):
            studio_id = str(uuid.uuid4())
            # user ids no real user has: the quiet caller must not become a member of these studios
            members = [MemberAdded(studio_id=studio_id, user_id=10**9 + n, username=f"user{n}", role="viewer")
                       for n in range(MEMBERS_PER_STUDIO)]
            writes.append(StreamWrite(stream(studio_id), [StudioCreated(studio_id=studio_id, name="Other",
                                                                        created_by_id=None), *members], 0))
        eventlog.append_streams(writes)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE lineage_event")  # as autovacuum would after such growth


def run(url: str) -> Table:
    """Time the quiet caller's page at each log size, beside the raw indexed query."""
    import psycopg
    from django.contrib.auth import get_user_model
    from django.db import connection

    import eventlog
    from lineage.selectors import events_page
    from studios.services import studio_create

    user = get_user_model().objects.create_user(username="quiet", password="bench-only-password")
    studio = studio_create(actor=user, name="Quiet Films")
    after = eventlog.head_position()
    table = Table("`GET /api/events/?limit=1` for a quiet studio's member, as other studios' events grow",
                  ["events in the log", "events_page ms (median)", "raw indexed SELECT ms", "vs raw"])
    pages = []
    raw_sql = ("SELECT * FROM lineage_event WHERE metadata->>'studio' = %s AND position > %s "
               "ORDER BY position LIMIT 1")
    with psycopg.connect(url) as raw_connection:
        for size in SIZES:
            _grow_log_to(size)
            page = median([timed(lambda: events_page(user=user, after=after, stream=None, limit=1))
                           for _ in range(ROUNDS)])
            raw = median([timed(lambda: raw_connection.execute(raw_sql, (str(studio.id), after)).fetchall())
                          for _ in range(ROUNDS)])
            pages.append(page)
            table.rows.append([f"{eventlog.head_position():,}", f"{page * 1000:.2f}", f"{raw * 1000:.2f}",
                               ratio(page, raw)])
    table.notes += [
        f"Growth: the page at {SIZES[1]:,} events costs {ratio(pages[1], pages[0])} what it costs at {SIZES[0]:,}"
        " (goal: about 1x; before this release it read the whole rest of the log, limit events a query).",
        f"Medians of {ROUNDS} calls each; events_page includes the caller's membership lookup, Django's ORM "
        "and decoding; the raw SELECT is psycopg on an open connection.",
        f"Database: {connection.vendor}.",
    ]
    return table
