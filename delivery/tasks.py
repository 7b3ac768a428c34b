"""The export actor: makes one export's file by calling one service (the message carries its id only).

Delivery is at least once: a repeated message finds the export finished and does nothing. With the
in-process StubBroker queued messages die with the process, so a booting in-process worker re-sends
the messages of exports still queued (as generation does for render jobs).
"""

from __future__ import annotations

import logging

import dramatiq
from django.db import DatabaseError
from dramatiq.brokers.stub import StubBroker

from delivery import services

EXPORT_TIME_LIMIT_MS = 30 * 60 * 1000
logger = logging.getLogger(__name__)


@dramatiq.actor(actor_name=services.EXPORT_ACTOR, queue_name=services.EXPORT_QUEUE, max_retries=3,
                min_backoff=1_000, max_backoff=60_000, time_limit=EXPORT_TIME_LIMIT_MS)
def export_run(export_id: str) -> None:
    """Make, store and record one export of a cut."""
    services.export_run(export_id=export_id)


class ResumeExportsOnBoot(dramatiq.Middleware):
    """Re-send queued exports' messages when an in-process worker boots (its queue died with the last process)."""

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        if not isinstance(broker, StubBroker):
            return  # a real broker kept its messages
        try:
            count = services.exports_resume()  # through the outbox, to this process's broker
        except DatabaseError as error:
            logger.warning("could not resume queued exports: %s", error)
            return
        if count:
            logger.info("re-sent %d export message(s)", count)


if not any(isinstance(m, ResumeExportsOnBoot) for m in export_run.broker.middleware):
    export_run.broker.add_middleware(ResumeExportsOnBoot())
