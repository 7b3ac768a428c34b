"""Queue the scoring of a render once generation announces it (by actor name: no import of the actor)."""

from __future__ import annotations

from typing import Any

import dramatiq

from config import outbox

SCORE_QUEUE = "consistency"
SCORE_ACTOR = "consistency_score_render"


def score_message(render_id: str) -> dramatiq.Message:
    """Return the message that scores one render."""
    return dramatiq.Message(queue_name=SCORE_QUEUE, actor_name=SCORE_ACTOR, args=(str(render_id),), kwargs={},
                            options={})


def score_send(render_id: str) -> None:
    """Send the scoring message of a render through the outbox: with the broker down it waits there and the
    dispatcher retries, as render messages do (config/outbox.py)."""
    outbox.send([score_message(render_id)])


def on_render_recorded(sender: Any, *, render_id: str, studio_id: str, **kwargs: Any) -> None:
    """Receive generation's render_recorded signal (sent after the render's events commit)."""
    score_send(render_id)
