"""A render's PNG is made durable before its append, outside any transaction, and removed if the append is refused."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import eventlog
from generation import services
from generation.models import Job, Render
from tests.threads import in_thread

WAIT = 10  # seconds: far longer than any step here takes, short enough to fail rather than hang


def _blob_files(settings) -> list[str]:
    root = Path(settings.STORAGES["blobs"]["OPTIONS"]["location"]) / "sha256"
    return sorted(p.name for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_a_render_whose_append_is_refused_leaves_no_png(admin_user, make_episode, previz_model, monkeypatch,
                                                        event_types, settings):
    # given a job and an event log that refuses the render's append
    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    references, before = _blob_files(settings), eventlog.head_position()

    def refuse(*args, **kwargs):
        raise RuntimeError("append refused")

    monkeypatch.setattr(eventlog, "append_streams", refuse)
    # when
    with pytest.raises(RuntimeError, match="append refused"):
        services.job_item_run(job_id=str(job.id), index=0)
    # then only the cast's reference images are stored, and nothing partial
    assert event_types(before) == []
    assert _blob_files(settings) == references


@pytest.mark.django_db(transaction=True)
def test_a_render_held_in_its_fsync_lets_another_studios_write_commit(admin_user, make_user, make_episode,
                                                                      previz_model, monkeypatch):
    # given a worker held inside the fsync that makes its render's PNG durable
    from studios.models import Studio
    from studios.services import studio_create

    otto = make_user("otto")
    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    in_fsync, release, real_fsync = threading.Event(), threading.Event(), os.fsync

    def held_fsync(handle: int) -> None:
        in_fsync.set()
        release.wait(WAIT)
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", held_fsync)
    worker, _ = in_thread(lambda: services.job_item_run(job_id=str(job.id), index=0))
    assert in_fsync.wait(WAIT)
    try:
        # when another studio is created meanwhile
        write, written = in_thread(lambda: studio_create(actor=otto, name="Other Films"))
        write.join(WAIT)
        committed_while_held = not write.is_alive()
    finally:
        release.set()
        worker.join(WAIT)
    # then it committed while the worker was still in its fsync, and the render is recorded after
    assert committed_while_held
    assert isinstance(written[0], Studio) and Studio.objects.filter(name="Other Films").exists()
    assert (Job.objects.get(pk=job.id).status, Render.objects.count()) == ("succeeded", 1)


