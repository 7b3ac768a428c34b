"""Fault-suite fixtures: a private Redis, this process's broker pointed at it, a blob folder workers share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dramatiq
import pytest

from tests.faults.processes import LEASE_SECONDS, RedisServer
from tests.generation.conftest import harbour_cast, model_root, model_roots, tiny_model  # noqa: F401  (fixtures)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A running redis-server of this test's own (never the shared one on 6379, which this suite may not stop)."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def web_broker(private_redis: RedisServer) -> Iterator[dramatiq.Broker]:
    """Make this process (the web side: services, the outbox) send to the private Redis, as settings would."""
    from dramatiq.brokers.redis import RedisBroker

    from config import outbox

    previous = dramatiq.get_broker()
    from django.conf import settings

    options = {**settings.DRAMATIQ_REDIS_LEASE, "heartbeat_timeout": int(LEASE_SECONDS * 1000)}
    broker = RedisBroker(url=private_redis.url, **options)
    dramatiq.set_broker(broker)
    yield broker
    outbox.stop()  # a dispatcher this process started must not outlive the test's database
    dramatiq.set_broker(previous)
    broker.close()


@pytest.fixture
def shared_media(settings: Any, tmp_path: Path) -> Path:
    """A blob folder both this process and the worker processes use (MEDIA_ROOT/blobs)."""
    media = tmp_path / "media"
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(media / "blobs"), "base_url": "/media/blobs/"}}
    settings.STORAGES = {**settings.STORAGES, "default": storage, "blobs": storage}
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def episode_with_shots(studio: Any, admin_user: Any,
                       harbour_cast: dict[str, Any]) -> Callable[..., Any]:  # noqa: F811 (the fixture imported above)
    """Return a function building an episode of `shots` shots whose seeds start at `seed` (distinct manifests)."""
    from episodes.services import episode_create, series_create, shot_create

    def make(model: Any, *, seed: int, shots: int = 3, size: int = 64, steps: int = 8) -> Any:
        series = series_create(actor=admin_user, studio_id=str(studio.id), title=f"Series {seed}")
        episode = episode_create(actor=admin_user, series_id=str(series.id), number=1, title="Pilot")
        pins = [{"asset": str(harbour_cast["mei"].id), "version": 1, "role": "lead"},
                {"asset": str(harbour_cast["harbour"].id), "version": 1}]
        for index in range(shots):
            shot_create(actor=admin_user, episode_id=str(episode.id), prompt=f"shot {index + 1}: Mei looks out",
                        title=f"Shot {index + 1}", cast=pins, seed=seed + index, width=size, height=size,
                        steps=steps, guidance=5.0, model=str(model.id))
        return episode

    return make
