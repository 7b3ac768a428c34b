"""Leases: the messages a dead worker held go back to their queue once its heartbeat is a lease old (#20, 2)."""

from __future__ import annotations

import time

import dramatiq
from django.conf import settings
from dramatiq.brokers.redis import RedisBroker

from config.leases import expired_leases_requeue
from generation.services.jobs import RENDER_QUEUE


def broker_like_settings(url: str, lease_ms: int) -> RedisBroker:
    """A Redis broker with the options settings give one (its lease shortened for the test)."""
    options = {**settings.DRAMATIQ_REDIS_LEASE, "url": url, "heartbeat_timeout": lease_ms}
    broker = RedisBroker(**options)
    broker.declare_queue(RENDER_QUEUE)
    return broker


def waiting(broker: RedisBroker) -> int:
    """Return how many messages wait in the render queue (fetched ones not counted, unlike qsize)."""
    return broker.client.llen(f"{broker.namespace}:{RENDER_QUEUE}")


def test_settings_give_redis_workers_a_15_second_lease_maintained_on_every_command():
    assert settings.DRAMATIQ_REDIS_LEASE == {"heartbeat_timeout": 15_000, "maintenance_chance": 1_000_000}


def test_a_dead_workers_messages_are_requeued_by_the_sweep_once_its_lease_ran_out(private_redis):
    # given a worker that fetched two messages (one running, one prefetched) and died without acknowledging
    dead = broker_like_settings(private_redis.url, lease_ms=1000)
    for index in range(2):
        dead.enqueue(dramatiq.Message(queue_name=RENDER_QUEUE, actor_name="render_job_item", args=("job", index),
                                      kwargs={}, options={}))
    consumer = dead.consume(RENDER_QUEUE, prefetch=2, timeout=100)
    assert next(consumer) is not None
    alive = broker_like_settings(private_redis.url, lease_ms=1000)
    assert waiting(alive) == 0
    # (a live broker's sweep inside the lease gives nothing back: the worker may still be rendering)
    expired_leases_requeue(alive)
    assert waiting(alive) == 0

    # when its lease has run out and a sweep runs (no live worker fetches: all are busy)
    time.sleep(1.2)
    swept = expired_leases_requeue(alive)

    # then both messages are back in their queue
    assert RENDER_QUEUE in swept
    assert waiting(alive) == 2
    dead.close()
    alive.close()
