"""The outbox: a job's messages are recorded with its events and leave once the broker takes them (issue #20, 1)."""

from __future__ import annotations

import time

import dramatiq
import pytest
from django.db import transaction

from config import outbox
from config.models import OutboxMessage
from generation.models import Job
from generation.services import episode_render
from generation.services.jobs import RENDER_QUEUE

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_render_asked_for_while_the_broker_is_down_answers_202_and_is_sent_once_it_returns(
        api, web_broker, private_redis, tiny_model, episode_with_shots):
    # given an episode of two shots and a broker that has gone down
    episode = episode_with_shots(tiny_model, seed=1, shots=2, steps=2)
    private_redis.stop()

    # when a render is asked for
    started = time.monotonic()
    response = api.post(f"/api/episodes/{episode.id}/render/")
    answered = time.monotonic() - started

    # then the job is recorded with its two messages, and the request did not wait for the broker
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert (job.status, job.total, OutboxMessage.objects.count()) == ("queued", 2, 2)
    assert answered < 2.0
    # and when the broker returns, this process's dispatcher hands them over without a client retry
    private_redis.start()
    deadline = time.monotonic() + 15
    while OutboxMessage.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert OutboxMessage.objects.count() == 0
    assert web_broker.do_qsize(RENDER_QUEUE) == 2
    assert Job.objects.filter(pk=job.id, status="queued").exists()


def test_a_job_rolled_back_with_its_transaction_leaves_no_message(admin_user, web_broker, tiny_model,
                                                                   episode_with_shots):
    # given
    episode = episode_with_shots(tiny_model, seed=1, shots=2, steps=2)

    # when the transaction that queued a job rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        episode_render(actor=admin_user, episode_id=str(episode.id))
        raise RuntimeError("rolled back")

    # then neither the job nor its messages exist, and nothing reached the broker
    assert (Job.objects.count(), OutboxMessage.objects.count(), web_broker.do_qsize(RENDER_QUEUE)) == (0, 0, 0)


def test_a_job_queued_with_the_broker_up_is_sent_at_commit(admin_user, web_broker, tiny_model, episode_with_shots):
    # given
    episode = episode_with_shots(tiny_model, seed=1, shots=3, steps=2)

    # when
    job = episode_render(actor=admin_user, episode_id=str(episode.id))

    # then its three messages went at commit, in order, and the outbox is empty
    assert OutboxMessage.objects.count() == 0
    assert web_broker.do_qsize(RENDER_QUEUE) == 3
    fetched = [list(m.args) for m in _fetch(web_broker, 3)]
    assert fetched == [[str(job.id), 0], [str(job.id), 1], [str(job.id), 2]]


def test_the_dispatcher_sends_what_a_refused_send_left_in_the_outbox(admin_user, web_broker, private_redis,
                                                                     tiny_model, episode_with_shots):
    # given a job whose messages the broker refused at commit
    episode = episode_with_shots(tiny_model, seed=1, shots=1, steps=2)
    private_redis.stop()
    episode_render(actor=admin_user, episode_id=str(episode.id))
    outbox.stop()  # no dispatcher in this process: the message waits in the outbox
    assert OutboxMessage.objects.count() == 1

    # when the broker is back and a dispatcher pass runs (as `manage.py outbox --once` does)
    private_redis.start()
    sent = outbox.Dispatcher(web_broker).run_once()

    # then
    assert (sent, OutboxMessage.objects.count(), web_broker.do_qsize(RENDER_QUEUE)) == (1, 0, 1)


def _fetch(broker: dramatiq.Broker, count: int) -> list[dramatiq.Message]:
    consumer = broker.consume(RENDER_QUEUE, prefetch=count, timeout=100)
    messages = []
    while len(messages) < count:
        message = next(consumer)
        if message is not None:
            messages.append(message)
    consumer.close()
    return messages
