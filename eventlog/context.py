"""Who and what caused an append: request and correlation context carried into event metadata."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

from config.types import NamedActor

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("eventlog_context", default=None)


@contextmanager
def bound(**values: Any) -> Iterator[None]:
    """Add values (request id, correlation id, job id…) to the metadata of appends in this block."""
    token = _context.set({**(_context.get() or {}), **values})
    try:
        yield
    finally:
        _context.reset(token)


def current() -> dict[str, Any]:
    """Return the context bound for the current request or task."""
    return dict(_context.get() or {})


def metadata_for(*, actor: NamedActor | None, studio_id: str | None, causation_id: str | None = None) -> dict[str, Any]:
    """Build the metadata stored with an event: actor, studio, correlation and request details."""
    ctx = current()
    meta: dict[str, Any] = {
        "actor": actor.username if actor is not None else ctx.get("actor"),
        "actor_id": str(actor.pk) if actor is not None and actor.pk is not None else None,
        "studio": str(studio_id) if studio_id else None,
        "correlation_id": ctx.get("correlation_id") or ctx.get("request_id") or str(uuid.uuid4()),
        "causation_id": causation_id or ctx.get("causation_id"),
    }
    request = ctx.get("request")
    if request:
        meta["request"] = request
    return meta


class RequestContextMiddleware:
    """Bind a request id, client address and route to every append made while serving a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = (request.headers.get("X-Request-ID") or str(uuid.uuid4()))[:100]
        info = {
            "id": request_id,
            "ip": request.META.get("REMOTE_ADDR"),
            "method": request.method,
            "path": request.path[:300],
            "user_agent": request.headers.get("User-Agent", "")[:200],
        }
        with bound(request_id=request_id, request=info):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
