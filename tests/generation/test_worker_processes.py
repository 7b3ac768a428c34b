"""Workers as real processes on PostgreSQL: a rundramatiq worker behind Redis, and an in-process worker
(`manage.py serve`) killed with SIGKILL mid-render and restarted."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

import eventlog
from generation.models import Job, JobItem, Render, RenderProgress, WorkerPool
from generation.services import episode_render
from generation.services.jobs import job_item_message

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CONTINUITY_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can share: run with DATABASE_URL=postgres://…")


@pytest.fixture
def shared_media(settings, tmp_path) -> Path:
    """A blob folder both this process and the worker process use (MEDIA_ROOT/blobs)."""
    media = tmp_path / "media"
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(media / "blobs"), "base_url": "/media/blobs/"}}
    settings.STORAGES = {**settings.STORAGES, "default": storage, "blobs": storage}
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def redis_broker():
    """A Redis broker on its own database (CONTINUITY_REDIS_URL); skipped, or failed when services are required."""
    import redis
    from dramatiq.brokers.redis import RedisBroker

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CONTINUITY_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis is required (CONTINUITY_REQUIRE_SERVICES=1) but {REDIS_URL} does not answer: {error}")
        pytest.skip(f"Redis at {REDIS_URL} does not answer")
    client.flushdb()
    broker = RedisBroker(url=REDIS_URL)
    yield broker
    broker.close()
    client.flushdb()


def environment(media: Path, **extra: str) -> dict[str, str]:
    settings_db = connection.settings_dict
    url = f"postgres://{settings_db['USER'] or 'postgres'}@{settings_db['HOST'] or '127.0.0.1'}:" \
          f"{settings_db['PORT'] or 5432}/{settings_db['NAME']}"
    roots = os.pathsep.join(str(p) for p in django_settings.MODEL_ROOTS)
    return {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "MODEL_ROOTS": roots, "DEMO": "0",
            "RENDER_THREADS": str(django_settings.RENDER_THREADS), "PYTHONUNBUFFERED": "1", **extra}


def wait_for(predicate, timeout: float, process: subprocess.Popen | None = None, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker process exited with {process.returncode} while waiting for {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def job_state(job_id) -> Job:
    return Job.objects.get(pk=job_id)


def blob_files_are_whole(media: Path) -> list[str]:
    """Return the stored blob files whose bytes do not hash to their name (partial or corrupt files)."""
    bad = []
    for path in (media / "blobs" / "sha256").rglob("*"):
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != path.name:
            bad.append(path.name)
    return bad


def test_a_rundramatiq_worker_behind_redis_renders_an_episode(shared_media, redis_broker, admin_user,
                                                              make_episode, previz_model, tmp_path):
    # given an episode queued on Redis and a separate worker process
    episode = make_episode(previz_model, shots=3)
    job = episode_render(actor=admin_user, episode_id=str(episode.id))
    for index in range(job.total):
        redis_broker.enqueue(job_item_message(str(job.id), index))
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1"], cwd=ROOT,
        env=environment(shared_media, DRAMATIQ_BROKER_URL=REDIS_URL), stdout=log, stderr=subprocess.STDOUT)
    try:
        # when
        wait_for(lambda: job_state(job.id).status in ("succeeded", "failed"), 120, worker, "the job to finish")
    finally:
        stop(worker)
        log.close()
    # then
    finished = job_state(job.id)
    assert (finished.status, finished.done, finished.total, finished.errors) == ("succeeded", 3, 3, []), \
        (tmp_path / "worker.log").read_text()[-3000:]
    assert Render.objects.count() == 3
    assert blob_files_are_whole(shared_media) == []
    # the worker reported where it renders when it booted (manifests queued later are built for it)
    pool = WorkerPool.objects.get()
    assert pool.worker.startswith(f"{socket.gethostname()}:")
    assert (pool.device, pool.threads) == (django_settings.RENDER_DEVICE, django_settings.RENDER_THREADS)


def test_the_same_message_delivered_twice_through_redis_makes_one_render(shared_media, redis_broker, admin_user,
                                                                        make_episode, previz_model, tmp_path):
    # given the message of one shot enqueued twice
    episode = make_episode(previz_model, shots=1)
    job = episode_render(actor=admin_user, episode_id=str(episode.id))
    for index in [0, 0]:
        redis_broker.enqueue(job_item_message(str(job.id), index))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "2"], cwd=ROOT,
        env=environment(shared_media, DRAMATIQ_BROKER_URL=REDIS_URL), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        # when
        wait_for(lambda: job_state(job.id).status == "succeeded", 120, worker, "the job to succeed")
        time.sleep(2)  # let the duplicate be handled too
    finally:
        stop(worker)
    # then
    assert Render.objects.count() == 1
    assert [e.type for e in eventlog.load_stream(f"job-{job.id}")].count("ShotRenderSucceeded") == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(media: Path, log: Path) -> subprocess.Popen:
    handle = open(log, "ab")
    return subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(free_port())], cwd=ROOT,
                            env=environment(media, DRAMATIQ_BROKER_URL=""), stdout=handle, stderr=subprocess.STDOUT)


def test_a_worker_killed_mid_render_completes_the_job_after_a_restart(shared_media, admin_user, make_episode,
                                                                      tiny_model, tmp_path):
    # given a slow diffusers shot whose job is queued (its in-process message died with the request);
    # slow enough (about 6 s on a quick machine) to outlast the first progress write, due after 1 s
    episode = make_episode(tiny_model, shots=1, size=256, steps=150)
    job = episode_render(actor=admin_user, episode_id=str(episode.id))
    references = sorted(p.name for p in (shared_media / "blobs" / "sha256").rglob("*") if p.is_file())
    first = serve(shared_media, tmp_path / "serve.log")
    try:
        wait_for(lambda: (RenderProgress.objects.filter(job_id=str(job.id), step__gte=3).exists()), 180, first,
                 "the render to be under way")
    finally:
        # when the worker process is killed mid-render
        first.send_signal(signal.SIGKILL)
        first.wait()
    item = JobItem.objects.get(job_id=job.id)
    assert (job_state(job.id).status, item.status, Render.objects.count()) == ("running", "queued", 0)
    assert sorted(p.name for p in (shared_media / "blobs" / "sha256").rglob("*") if p.is_file()) == references
    second = serve(shared_media, tmp_path / "serve.log")
    try:
        wait_for(lambda: job_state(job.id).status in ("succeeded", "failed"), 300, second, "the job to finish")
    finally:
        stop(second)
    # then
    finished = job_state(job.id)
    assert (finished.status, finished.done, finished.errors) == ("succeeded", 1, []), \
        (tmp_path / "serve.log").read_text()[-3000:]
    assert Render.objects.count() == 1
    assert [e.type for e in eventlog.read_after(0)].count("RenderSucceeded") == 1
    assert blob_files_are_whole(shared_media) == []
