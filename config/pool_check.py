"""The check the PostgreSQL connection pool runs on a connection before handing it out.

psycopg_pool's own check finds a dead connection and tries the next, pausing longer after each
failure (1 s, 2 s, 4 s…). A restart or a failover kills every pooled connection at once, so the
first request after it would wait through all of them and time out. On the first dead one this
check has the pool test all its idle connections at once (discarding the dead, opening new ones),
so that request waits one pause, not one per connection.

Django creates the pool with psycopg_pool's plain check (CONN_HEALTH_CHECKS) and has no setting
for another, so `use_pool_check` swaps it in when the pool opens its first connection.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import ConnectionPool


def check_pooled_connection(conn: Any) -> None:
    """Raise if the connection is dead, after having the pool replace every other dead connection."""
    try:
        ConnectionPool.check_connection(conn)
    except psycopg.Error:
        pool = getattr(conn, "_pool", None)  # set by the pool on the connection it is handing out
        if isinstance(pool, ConnectionPool):
            pool.check()
        raise


def use_pool_check(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Make the pool use `check_pooled_connection` (a `connection_created` receiver)."""
    pool = getattr(connection, "pool", None)
    if isinstance(pool, ConnectionPool) and pool._check is not None:  # checks on: CONN_HEALTH_CHECKS
        pool._check = check_pooled_connection
