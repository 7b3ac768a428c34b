"""What a request does when its database connection is lost: read again once, else answer 503.

The pool checks a connection before handing it out (CONN_HEALTH_CHECKS), so one PostgreSQL dropped
while it sat idle never reaches a request. One that drops during a request (a restart, a failover,
`pg_terminate_backend`) fails that request's next query. A read outside any transaction has done
nothing that a second try could repeat, so it runs once more on a fresh connection; anything else
(a write, whose commit may or may not have happened, or a second failure) answers
`503 database_unavailable` instead of a 500, and so does a request that got no connection at all.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class LostConnectionMiddleware:
    """Retry a read once on a lost connection; answer 503 where the database cannot be reached (under /api/)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/api/") or not isinstance(exception, OperationalError | InterfaceError):
            return None
        raw = connection.connection
        if raw is not None and not (getattr(raw, "broken", False) or getattr(raw, "closed", False)):
            return None  # the connection is fine: an ordinary database error, a 500 like any other
        retry = raw is not None and request.method in _READS and not connection.in_atomic_block
        _discard_connection()
        if retry:
            logger.warning("database connection lost during %s %s: reading again", request.method, request.path)
            match = request.resolver_match
            try:
                if match is not None:
                    return match.func(request, *match.args, **match.kwargs)
            except (OperationalError, InterfaceError):
                _discard_connection()
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = JsonResponse({"code": "database_unavailable", "message": "The database is not answering; try again "
                                 "shortly.", "extra": {}}, status=503)
        response["Retry-After"] = "5"
        return response


def _discard_connection() -> None:
    """Drop the lost connection (the pool discards a broken one); the next query opens a fresh one."""
    with contextlib.suppress(DatabaseError):
        connection.close()
