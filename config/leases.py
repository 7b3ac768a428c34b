"""Give back the messages a dead worker held, once its lease (its Redis heartbeat) has run out.

A worker process behind Redis holds the messages it fetched (prefetched or running) in a set of its
own until it acknowledges them, and heartbeats while it lives: every poll of each of its consumers,
at least once a second even while its renders run, since its delay-queue consumer never fills.
That heartbeat is the lease on all the messages it holds. Once it is older than
WORKER_LEASE_SECONDS (dramatiq's `heartbeat_timeout`), dramatiq's queue maintenance moves them
back to their queue, and the worker code's idempotency makes the second delivery harmless.

Dramatiq runs that maintenance within a broker command, and only for the queue that command names:
settings make every command run it (`maintenance_chance`), and this sweep issues one command per
declared queue, so a dead worker's messages come back within a lease even while every live worker
is too busy to fetch. RabbitMQ needs no sweep: it requeues a closed connection's unacknowledged
messages itself; the in-process broker's messages die with it and are re-sent at boot.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker


def expired_leases_requeue(broker: dramatiq.Broker | None = None) -> list[str]:
    """Run the broker's maintenance on every declared queue (Redis only); return the queues swept."""
    broker = broker or dramatiq.get_broker()
    if not isinstance(broker, RedisBroker):
        return []
    queues = sorted(broker.get_declared_queues() | broker.get_declared_delay_queues())
    for queue in queues:
        broker.do_qsize(queue)  # any command but ack/nack runs maintenance (settings: on every command)
    return queues
