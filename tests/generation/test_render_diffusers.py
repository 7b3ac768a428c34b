"""Render jobs through the real diffusers loading path, with a tiny random-weight pipeline (64x64, 2-4 steps)."""

from __future__ import annotations

import shutil

import pytest

from generation import services
from generation.backends import clear_backend_cache
from generation.errors import PermanentRenderError
from generation.models import Job, JobItem, Render, RenderProgress
from generation.pngmeta import read_png_manifest
from generation.rendering import read_blob

pytestmark = pytest.mark.django_db


def run_job(job):
    for item in JobItem.objects.filter(job_id=job.id).order_by("index"):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    return job


@pytest.fixture
def own_model(studio, admin_user, model_roots, request):
    """A private copy of the tiny model (tests that break its folder must not break the shared one)."""
    from generation.services import model_register

    folder = model_roots / f"copy-{request.node.name[:40]}"
    shutil.copytree(model_roots / "tiny", folder)
    yield model_register(actor=admin_user, studio_id=str(studio.id), name="copy", backend="diffusers",
                         path=str(folder))
    shutil.rmtree(folder, ignore_errors=True)
    clear_backend_cache()


def test_a_diffusers_render_records_the_scheduler_threads_and_library_versions(admin_user, make_episode,
                                                                               tiny_model, settings):
    # given
    episode = make_episode(tiny_model, shots=1, steps=3)
    # when
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # then
    assert job.status == "succeeded", job.errors
    render = Render.objects.get()
    manifest = render.manifest
    assert manifest["backend"]["fingerprint"] == tiny_model.fingerprint
    assert manifest["backend"]["scheduler"]["class"] == "DDIMScheduler"
    assert (manifest["device"], manifest["threads"]) == (settings.RENDER_DEVICE, settings.RENDER_THREADS)
    assert manifest["environment"]["threads"] == settings.RENDER_THREADS
    assert manifest["environment"]["torch"].startswith("2.")
    assert manifest["environment"]["diffusers"]
    assert read_png_manifest(read_blob(render.image_sha256)) == (manifest, render.manifest_hash)


def test_a_diffusers_render_reproduces_bit_for_bit(admin_user, make_episode, tiny_model):
    # given
    episode = make_episode(tiny_model, shots=1, steps=2)
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    clear_backend_cache()  # as a fresh worker process would: load the folder again
    # when
    job = run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    assert (job.status, job.result["identical"], job.result["different"]) == ("succeeded", 1, 0)


def test_weights_missing_when_the_worker_loads_them_fail_the_shot_permanently(admin_user, make_episode, own_model):
    # given
    episode = make_episode(own_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    shutil.rmtree(own_model.path)
    clear_backend_cache()
    # when
    with pytest.raises(PermanentRenderError, match="does not exist|no model_index.json"):
        services.job_item_run(job_id=str(job.id), index=0)
    # then
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["permanent"] is True
    assert Render.objects.count() == 0


def test_weights_changed_after_queueing_fail_the_shot_on_a_fingerprint_mismatch(admin_user, make_episode,
                                                                                own_model, tmp_path):
    # given the folder's weights are replaced by other ones after the job was queued
    from demo.tinymodel import build_tiny_pipeline

    episode = make_episode(own_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    shutil.rmtree(own_model.path)
    build_tiny_pipeline(own_model.path, seed=7)
    clear_backend_cache()
    # when
    with pytest.raises(PermanentRenderError, match="backend:fingerprint"):
        services.job_item_run(job_id=str(job.id), index=0)
    # then
    job.refresh_from_db()
    assert (job.status, job.errors[0]["permanent"], Render.objects.count()) == ("failed", True, 0)


def test_rendering_with_weights_changed_since_registration_is_refused(api, make_episode, own_model, no_new_events):
    # given
    from demo.tinymodel import build_tiny_pipeline

    episode = make_episode(own_model, shots=1)
    shutil.rmtree(own_model.path)
    build_tiny_pipeline(own_model.path, seed=7)
    clear_backend_cache()
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "model_unavailable"


def _after_each_step(monkeypatch, then):
    """Call `then(step)` after the worker's own progress report of every diffusion step, reports due at once."""
    import generation.services.worker as worker

    real_progress = worker._progress

    def progress(state):
        report = real_progress(state)

        def reporting(step, steps):
            report(step, steps)
            then(step)
        return reporting

    monkeypatch.setattr(worker, "_progress", progress)
    monkeypatch.setattr(worker, "PROGRESS_SECONDS", 0.0)


def test_cancelling_during_the_diffusion_steps_stops_the_render(admin_user, make_episode, tiny_model, monkeypatch):
    # given a render whose progress callback cancels the job at its second step
    episode = make_episode(tiny_model, shots=1, steps=40)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    seen = []

    def cancelling(step):
        seen.append(step)
        if step == 2:
            services.job_cancel(actor=admin_user, job_id=str(job.id))

    _after_each_step(monkeypatch, cancelling)
    # when
    services.job_item_run(job_id=str(job.id), index=0)
    # then
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert Render.objects.count() == 0
    assert 2 <= max(seen) < 40
    assert RenderProgress.objects.get(job_id=str(job.id)).steps == 40


def test_a_long_render_records_its_job_start_at_the_first_progress_report(admin_user, make_episode, tiny_model,
                                                                         monkeypatch, event_types):
    # given a render longer than the progress interval (made so by an interval of zero)
    import eventlog

    episode = make_episode(tiny_model, shots=1, steps=3)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    statuses = []
    _after_each_step(monkeypatch, lambda step: statuses.append(Job.objects.get(pk=job.id).status))
    before = eventlog.head_position()
    # when
    services.job_item_run(job_id=str(job.id), index=0)
    # then the job showed as running from the first step, and JobStarted was its own append, once
    assert statuses == ["running"] * 3
    assert event_types(before) == ["JobStarted", "BlobStored", "RenderSucceeded", "ShotRenderSucceeded",
                                   "JobFinished"]
    started, succeeded = [e for e in eventlog.load_stream(f"job-{job.id}") if e.type != "JobQueued"][:2]
    assert (started.type, succeeded.type) == ("JobStarted", "ShotRenderSucceeded")
    assert started.recorded_at < succeeded.recorded_at  # one append's events share a time


def test_the_api_lists_a_job_with_its_renders(api, make_episode, tiny_model):
    # given
    episode = make_episode(tiny_model, shots=2, steps=2)
    job_id = api.post(f"/api/episodes/{episode.id}/render/").json()["job"]
    # when
    run_job(Job.objects.get(pk=job_id))
    body = api.get(f"/api/jobs/{job_id}/").json()
    # then
    assert (body["status"], body["done"], body["total"], len(body["renders"])) == ("succeeded", 2, 2, 2)
