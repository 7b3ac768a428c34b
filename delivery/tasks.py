"""The export actor: makes one export's file by calling one service (the message carries its id only).

Delivery is at least once: a repeated message finds the export finished and does nothing.
"""

from __future__ import annotations

import dramatiq

from delivery import services

EXPORT_TIME_LIMIT_MS = 30 * 60 * 1000


@dramatiq.actor(actor_name=services.EXPORT_ACTOR, queue_name=services.EXPORT_QUEUE, max_retries=3,
                min_backoff=1_000, max_backoff=60_000, time_limit=EXPORT_TIME_LIMIT_MS)
def export_run(export_id: str) -> None:
    """Make, store and record one export of a cut."""
    services.export_run(export_id=export_id)
