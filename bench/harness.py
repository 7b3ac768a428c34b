"""Timing, a throw-away PostgreSQL database, and markdown tables for the benchmarks."""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

# One database per run: several people (or CI jobs) may benchmark on the same server at once.
BENCH_DATABASE = f"continuity_bench_{os.getpid()}"


@dataclass
class Table:
    """A benchmark's result: a title, a markdown table and notes printed under it."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """Return the table as GitHub-flavoured markdown."""
        lines = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |",
                 "|" + "|".join("---" for _ in self.headers) + "|"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        if self.notes:
            lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines)


def per_second(count: int, seconds: float) -> str:
    """Format a rate."""
    return f"{count / seconds:,.0f}/s"


def ratio(ours: float, baseline: float) -> str:
    """Format ours / baseline."""
    return f"{ours / baseline:.2f}x"


def median(values: Sequence[float]) -> float:
    """Return the median of measured values."""
    return statistics.median(values)


def timed(function: Callable[[], object]) -> float:
    """Return the wall-clock seconds one call takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def admin_dsn(url: str) -> str:
    """Return a libpq DSN for the server's `postgres` database (to create and drop databases)."""
    return _server_url(url, "postgres").replace("postgres://", "postgresql://", 1)


@contextmanager
def bench_database() -> Iterator[str]:
    """Create `continuity_bench_<pid>` on the DATABASE_URL server, point Django at it, migrate; drop it after."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks need DATABASE_URL=postgres://… (they create and drop their own database).")
    _recreate(url)
    bench_url = _server_url(url, BENCH_DATABASE)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production settings: no query log kept in memory, as in a deployment.
    os.environ.update(DEBUG="0", ALLOWED_HOSTS="localhost")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield bench_url.replace("postgres://", "postgresql://", 1)
    finally:
        _close_django()
        with psycopg.connect(admin_dsn(url), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def fresh_database() -> None:
    """Empty the bench database between benchmarks: drop it, create it again and migrate it."""
    from django.core.management import call_command

    _close_django()
    _recreate(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0, interactive=False)


def _recreate(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def _close_django() -> None:
    try:
        from django.db import connections

        for conn in connections.all():
            conn.close()
            close_pool = getattr(conn, "close_pool", None)
            if close_pool:
                close_pool()
    except Exception:  # the database is dropped with FORCE anyway
        pass
