"""Where apps above generation plug in without generation importing them (connected in their `ready()`).

- `render_recorded`: a Django signal sent with `render_id` and `studio_id` once a fresh render's
  events have committed (never inside the append transaction, so a receiver that queues work sees
  the render).
- `render_body_extend`: add a function whose dict is merged into `GET /api/renders/{id}/`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

render_recorded = Signal()

RenderBodyExtra = Callable[[Any], dict[str, Any]]
_RENDER_BODY_EXTRAS: list[RenderBodyExtra] = []


def render_recorded_send(*, render_id: str, studio_id: str) -> None:
    """Send `render_recorded` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: render_recorded.send(sender="generation", render_id=render_id,
                                                       studio_id=studio_id))


def render_body_extend(extra: RenderBodyExtra) -> None:
    """Add a function of a Render whose fields join the render's API body (once per function)."""
    if extra not in _RENDER_BODY_EXTRAS:
        _RENDER_BODY_EXTRAS.append(extra)


def render_body_extras(render: Any) -> dict[str, Any]:
    """Return the fields every registered extension adds to a render's body."""
    fields: dict[str, Any] = {}
    for extra in _RENDER_BODY_EXTRAS:
        fields.update(extra(render))
    return fields
