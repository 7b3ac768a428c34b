"""The scoring actor: scores one render after it is recorded (rendering never waits for it), then indexes it."""

from __future__ import annotations

import dramatiq

from consistency.search_index import index_add_render
from consistency.services import render_score
from consistency.trigger import SCORE_ACTOR, SCORE_QUEUE


@dramatiq.actor(actor_name=SCORE_ACTOR, queue_name=SCORE_QUEUE, max_retries=3, min_backoff=1_000,
                max_backoff=60_000, time_limit=10 * 60 * 1000)
def consistency_score_render(render_id: str) -> None:
    """Score a render (idempotent per embedder) and add it and its references to the studio's index."""
    score = render_score(render_id=render_id)
    if score is not None and score.status == "scored":
        index_add_render(render_id=render_id)
