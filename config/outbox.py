"""Send Dramatiq messages through an outbox: recorded in the caller's transaction, sent after it commits.

`send` writes the messages as rows in the same transaction as the events that call for them, so a
job can never be recorded without its messages, nor a message leave for a job that rolled back.
Once the transaction commits they are handed to the broker at once; if the broker refuses (down,
unreachable), the rows stay and the dispatcher retries until it takes them. A row is deleted only
after the broker took its message: delivery is at least once, never zero.

The dispatcher is a thread that sends pending messages and sweeps expired worker leases
(`config/leases.py`). It runs in every worker process (started at worker boot by
`config/outbox_middleware.py`), in a web process from the first message the broker refused, and on
its own under `manage.py outbox` (production: one beside the web processes). Several may run at
once: rows one dispatcher holds are skipped by the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

import dramatiq
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from config.leases import expired_leases_requeue
from config.models import OutboxMessage

logger = logging.getLogger(__name__)
BATCH = 100
RETRY_SECONDS = 1.0  # after a broker refusal


def send(messages: Iterable[dramatiq.Message]) -> None:
    """Record messages in the current transaction (or at once, outside one); they leave once it commits."""
    rows = OutboxMessage.objects.bulk_create([OutboxMessage(message=m.asdict()) for m in messages])
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _send_now(ids))


def dispatch(broker: dramatiq.Broker | None = None, ids: Sequence[int] | None = None) -> int:
    """Hand pending messages (the oldest BATCH, or those `ids`) to the broker; return how many it took.

    Raises the broker's error after committing what was sent before it. Rows another dispatcher
    holds are skipped, so two dispatchers never send the same message at the same time.
    """
    broker = broker or dramatiq.get_broker()
    if not OutboxMessage.objects.exists():
        return 0  # the usual case for a polling dispatcher: no transaction (on SQLite, no write lock)
    sent: list[int] = []
    error: Exception | None = None
    with transaction.atomic():
        pending = OutboxMessage.objects.order_by("id")
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        for row in pending[:BATCH]:
            try:
                broker.enqueue(dramatiq.Message(**row.message))
            except Exception as exc:  # noqa: BLE001 (whatever the broker raised: keep what it took)
                error = exc
                break
            sent.append(row.pk)
        # Deleted in the transaction that holds the rows, so no other dispatcher sends them again.
        OutboxMessage.objects.filter(pk__in=sent).delete()
    if error is not None:
        raise error
    return len(sent)


def pending_count() -> int:
    """Return how many messages wait for the broker."""
    return OutboxMessage.objects.count()


def _send_now(ids: list[int]) -> None:
    """Send a committed transaction's messages at once; on a broker error leave them to the dispatcher."""
    try:
        dispatch(ids=ids)
    except Exception as error:  # noqa: BLE001 (any broker failure: the dispatcher retries)
        logger.warning("the broker did not take %d message(s) yet (%s); the outbox dispatcher retries", len(ids), error)
        wake()


class Dispatcher:
    """Send pending outbox messages now and then (at once when woken) and sweep expired leases."""

    def __init__(self, broker: dramatiq.Broker | None = None) -> None:
        self.broker = broker
        self.woken = threading.Event()
        self.stopped = threading.Event()

    def run_once(self) -> int:
        """Send what is pending and sweep expired leases; return how many messages were sent."""
        sent = 0
        while True:  # batch after batch until the outbox is empty
            count = dispatch(self.broker)
            sent += count
            if count < BATCH:
                break
        expired_leases_requeue(self.broker)
        return sent

    def run(self) -> None:
        """Loop until stopped; a broker or database error is logged and retried after RETRY_SECONDS."""
        interval = settings.OUTBOX_SWEEP_SECONDS
        while not self.stopped.is_set():
            try:
                sent = self.run_once()
                if sent:
                    logger.info("outbox: sent %d message(s)", sent)
                wait = interval
            except Exception as error:  # noqa: BLE001 (the broker or the database is away: retry)
                logger.warning("outbox: broker or database unavailable (%s); retrying", error)
                wait = RETRY_SECONDS
            finally:
                close_old_connections()  # a connection the database dropped meanwhile is not reused
            self.woken.wait(wait)
            self.woken.clear()

    def stop(self) -> None:
        """Ask the loop to end after its current pass."""
        self.stopped.set()
        self.woken.set()


_lock = threading.Lock()
_current: tuple[Dispatcher, threading.Thread] | None = None  # this process's dispatcher


def start() -> Dispatcher:
    """Start this process's dispatcher thread unless it runs already; return it."""
    global _current
    with _lock:
        if _current is None or not _current[1].is_alive():
            dispatcher = Dispatcher()
            thread = threading.Thread(target=dispatcher.run, name="outbox-dispatcher", daemon=True)
            thread.start()
            _current = (dispatcher, thread)
        return _current[0]


def wake() -> None:
    """Ask this process's dispatcher to send now (starting it if needed)."""
    start().woken.set()


def stop() -> None:
    """Stop this process's dispatcher thread, if it runs, and wait for it."""
    global _current
    with _lock:
        current, _current = _current, None
    if current is not None:
        current[0].stop()
        current[1].join(timeout=10)
