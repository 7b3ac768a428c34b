from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import eventlog
from generation import services
from generation.models import Job, JobItem, Render
from generation.pngmeta import read_png_manifest
from generation.rendering import read_blob

pytestmark = pytest.mark.django_db


def run_job(job):
    """Run every item of a job through the worker service, as the actor would."""
    for item in JobItem.objects.filter(job_id=job.id).order_by("index"):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    return job


def test_rendering_an_episode_renders_each_shot_once_and_stores_png_with_its_manifest(
        api, admin_user, make_episode, previz_model, event_types):
    # given
    episode = make_episode(previz_model, shots=2)
    before = eventlog.head_position()
    # when
    response = api.post(f"/api/episodes/{episode.id}/render/")
    job = run_job(Job.objects.get(pk=response.json()["job"]))
    # then
    assert response.status_code == 202
    assert (job.status, job.done, job.total, job.errors) == ("succeeded", 2, 2, [])
    assert len(job.renders) == 2
    body = api.get(f"/api/jobs/{job.id}/").json()
    assert (body["status"], body["done"], body["total"], body["renders"]) == ("succeeded", 2, 2, job.renders)
    render = api.get(f"/api/renders/{job.renders[0]}/").json()
    png = read_blob(render["image_sha256"])
    assert hashlib.sha256(png).hexdigest() == render["image_sha256"]
    assert read_png_manifest(png) == (render["manifest"], render["manifest_hash"])
    assert render["image_url"] == f"/api/blobs/{render['image_sha256']}/"
    assert api.get(render["image_url"]).status_code == 200
    assert event_types(before) == [
        "JobQueued", "JobStarted", "BlobStored", "RenderSucceeded", "ShotRenderSucceeded",
        "BlobStored", "RenderSucceeded", "ShotRenderSucceeded", "JobFinished"]


def test_an_unapproved_pin_is_refused_before_anything_is_queued(api, admin_user, studio, make_episode,
                                                                 previz_model, harbour_cast, no_new_events):
    # given
    from assets.services import asset_version_create

    draft = asset_version_create(actor=admin_user, asset_id=str(harbour_cast["mei"].id), expected_version=1,
                                 attributes={"description": "older"})
    episode = make_episode(previz_model, shots=1, cast=[{"asset": str(harbour_cast["mei"].id),
                                                         "version": draft.number}])
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "unapproved_pin"
    assert response.json()["extra"]["pins"][0]["status"] == "draft"
    assert Job.objects.count() == 0


def test_an_unapproved_component_of_a_pinned_version_is_refused_too(api, admin_user, studio, make_episode,
                                                                    previz_model, harbour_cast, no_new_events):
    # given a new Mei version whose coat component is a draft
    from assets.services import asset_version_approve, asset_version_create, asset_version_submit

    coat = asset_version_create(actor=admin_user, asset_id=str(harbour_cast["coat"].id), expected_version=1,
                                attributes={"description": "a torn red coat"})
    mei = asset_version_create(actor=admin_user, asset_id=str(harbour_cast["mei"].id), expected_version=1,
                               attributes={"description": "Mei"}, components=[
                                   {"asset": str(harbour_cast["coat"].id), "version": coat.number}])
    asset_version_submit(actor=admin_user, asset_id=str(harbour_cast["mei"].id), number=mei.number)
    asset_version_approve(actor=admin_user, asset_id=str(harbour_cast["mei"].id), number=mei.number)
    episode = make_episode(previz_model, shots=1, cast=[{"asset": str(harbour_cast["mei"].id), "version": 2}])
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert response.status_code == 422
    assert response.json()["extra"]["pins"] == [
        {"shot": response.json()["extra"]["pins"][0]["shot"], "revision": 1,
         "asset": str(harbour_cast["coat"].id), "version": 2, "status": "draft"}]


def test_a_viewer_may_not_render_and_a_stranger_sees_nothing(client_for, member, make_user, make_episode,
                                                            previz_model, no_new_events):
    # given
    episode = make_episode(previz_model, shots=1)
    viewer, stranger = member("vic", "viewer"), make_user("stranger")
    # when
    with no_new_events():
        as_viewer = client_for(viewer).post(f"/api/episodes/{episode.id}/render/")
        as_stranger = client_for(stranger).post(f"/api/episodes/{episode.id}/render/")
    # then
    assert (as_viewer.status_code, as_stranger.status_code) == (403, 404)


def test_a_duplicate_delivery_never_makes_a_second_render(admin_user, make_episode, previz_model, no_new_events):
    # given
    episode = make_episode(previz_model, shots=1)
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # when the same message is delivered again
    with no_new_events():
        services.job_item_run(job_id=str(job.id), index=0)
    # then
    assert Render.objects.count() == 1
    assert (job.status, job.done, len(job.renders)) == ("succeeded", 1, 1)


def test_a_short_render_records_its_job_start_with_its_outcome(admin_user, make_episode, previz_model):
    # given a queued one-shot job
    from eventlog import load_stream

    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    # when a worker renders it (quicker than a progress report)
    services.job_item_run(job_id=str(job.id), index=0)
    # then JobStarted is recorded first, in the append of the outcome
    events = [e for e in load_stream(f"job-{job.id}") if e.type != "JobQueued"]
    assert [e.type for e in events] == ["JobStarted", "ShotRenderSucceeded", "JobFinished"]
    assert len({e.recorded_at for e in events}) == 1  # one append's events share a time
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_a_job_started_by_another_worker_meanwhile_is_started_once(admin_user, make_episode, previz_model,
                                                                   monkeypatch):
    # given a queued job whose other worker records JobStarted while this one renders
    import generation.services.worker as worker
    from eventlog import append, load_stream
    from generation.events import JobStarted, job_stream

    episode = make_episode(previz_model, shots=2)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    real_render = worker.render_png

    def racing(*args, **kwargs):
        append(job_stream(str(job.id)), [JobStarted(job_id=str(job.id))], expected_version=1)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(worker, "render_png", racing)
    # when
    services.job_item_run(job_id=str(job.id), index=0)
    # then this worker's append saw the conflict, read afresh and recorded no second start
    types = [e.type for e in load_stream(f"job-{job.id}")]
    assert types == ["JobQueued", "JobStarted", "ShotRenderSucceeded"]
    job.refresh_from_db()
    assert (job.status, job.done) == ("running", 1)


def test_a_redelivery_after_a_crash_mid_render_records_the_render_once(admin_user, make_episode, previz_model,
                                                                       event_types):
    # given a job left running (its worker died mid-render, after JobStarted)
    from eventlog import append
    from generation.events import JobStarted, job_stream

    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    append(job_stream(str(job.id)), [JobStarted(job_id=str(job.id))], expected_version=1)
    before = eventlog.head_position()
    # when
    services.job_item_run(job_id=str(job.id), index=0)
    services.job_item_run(job_id=str(job.id), index=0)
    # then
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert Render.objects.count() == 1
    assert event_types(before) == ["BlobStored", "RenderSucceeded", "ShotRenderSucceeded", "JobFinished"]


def test_a_render_whose_file_cannot_be_stored_records_nothing_and_succeeds_when_retried(
        admin_user, make_episode, previz_model, monkeypatch, event_types, settings):
    # given a disk that fails to make the PNG durable (its fsync runs before the render's append)
    import os

    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    working = os.fsync

    def full(handle):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    before = eventlog.head_position()
    # when
    with pytest.raises(OSError, match="No space left"):
        services.job_item_run(job_id=str(job.id), index=0)
    # then nothing is recorded (not even the job's start, which goes with its first outcome), and the retry renders it
    assert event_types(before) == []
    assert Render.objects.count() == 0
    assert not list(Path(settings.STORAGES["blobs"]["OPTIONS"]["location"]).rglob(".partial-*"))  # no partial file
    monkeypatch.setattr(os, "fsync", working)
    services.job_item_run(job_id=str(job.id), index=0)
    job.refresh_from_db()
    render = Render.objects.get()
    assert (job.status, job.renders) == ("succeeded", [str(render.id)])
    assert hashlib.sha256(read_blob(render.image_sha256)).hexdigest() == render.image_sha256


def test_rendering_the_same_episode_again_reuses_the_renders(admin_user, make_episode, previz_model):
    # given
    episode = make_episode(previz_model, shots=2)
    first = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # when
    second = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # then
    assert second.status == "succeeded"
    assert second.renders == first.renders
    assert Render.objects.count() == 2
    assert list(JobItem.objects.filter(job_id=second.id).values_list("reused", flat=True)) == [True, True]


def test_the_manifest_pins_every_input(admin_user, make_episode, previz_model, harbour_cast):
    # given
    episode = make_episode(previz_model, shots=1)
    # when
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    manifest = JobItem.objects.get(job_id=job.id, index=0).manifest
    # then
    mei, coat, harbour = (harbour_cast[k] for k in ("mei", "coat", "harbour"))
    assert manifest["request"]["prompt"] == (
        "shot 1: Mei looks out; Mei (character): a curious girl of ten, short black hair; "
        "wearing Red Coat (a long red wool coat); in a small fishing harbour, dusk")
    assert [c["asset"] for c in manifest["cast"]] == [str(mei.id), str(harbour.id)]
    assert manifest["cast"][0]["components"][0]["asset"] == str(coat.id)
    assert manifest["cast"][0]["attributes_hash"] == mei.versions.get(number=1).attributes_hash
    assert [r["name"] for r in manifest["request"]["references"]] == ["Mei", "Red Coat", "Harbour"]
    assert manifest["model"] == {"id": str(previz_model.id), "name": "previz", "version": 1, "backend": "previz",
                                 "fingerprint": previz_model.fingerprint}
    assert manifest["backend"]["backend"] == "previz"
    assert manifest["environment"]["pillow"]
    assert (manifest["request"]["seed"], manifest["request"]["steps"], manifest["request"]["width"]) == (100, 2, 64)


def test_cancelling_a_job_stops_the_shots_not_yet_rendered(api, admin_user, make_episode, previz_model):
    # given
    episode = make_episode(previz_model, shots=3)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    services.job_item_run(job_id=str(job.id), index=0)
    # when
    response = api.post(f"/api/jobs/{job.id}/cancel/")
    services.job_item_run(job_id=str(job.id), index=1)
    # then
    assert response.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.done, len(job.renders)) == ("cancelled", 1, 1)
    assert Render.objects.count() == 1
    assert list(JobItem.objects.filter(job_id=job.id).order_by("index").values_list("status", flat=True)) == [
        "succeeded", "cancelled", "cancelled"]


def test_cancelling_a_finished_job_is_refused(api, admin_user, make_episode, previz_model, no_new_events):
    # given
    episode = make_episode(previz_model, shots=1)
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # when
    with no_new_events():
        response = api.post(f"/api/jobs/{job.id}/cancel/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "job_finished"


def test_an_invalid_manifest_fails_permanently_without_a_retry(admin_user, make_episode, previz_model):
    # given a manifest that no longer hashes to its recorded hash
    from generation.errors import PermanentRenderError

    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    JobItem.objects.filter(job_id=job.id).update(manifest={"format": "continuity.render-manifest/1"})
    # when
    with pytest.raises(PermanentRenderError, match="invalid manifest"):
        services.job_item_run(job_id=str(job.id), index=0)
    # then
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [{"shot": job.items.get().shot_id, "shot_revision": 1, "permanent": True,
                           "error": "invalid manifest: the manifest does not hash to its recorded manifest hash"}]


def test_transient_failures_exhausting_their_retries_are_recorded_on_the_job(admin_user, make_episode,
                                                                              previz_model):
    # given
    from generation.tasks import render_retries_exhausted

    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    message = {"args": [str(job.id), 0], "options": {"traceback": "Traceback...\nOSError: storage unreachable"}}
    # when
    render_retries_exhausted.fn(message, {"retries": 3, "max_retries": 3})
    # then
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["error"] == "failed after 4 attempts: OSError: storage unreachable"
    assert job.errors[0]["permanent"] is False


def test_job_and_render_read_models_equal_a_rebuild(api, admin_user, make_episode, previz_model,
                                                    rebuilt_equals_live):
    # given
    episode = make_episode(previz_model, shots=2)
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    cancelled = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    services.job_cancel(actor=admin_user, job_id=str(cancelled.id))
    # then
    rebuilt_equals_live()


def test_an_episode_without_shots_is_refused(api, admin_user, studio, no_new_events):
    # given
    from episodes.services import episode_create, series_create

    series = series_create(actor=admin_user, studio_id=str(studio.id), title="Empty")
    episode = episode_create(actor=admin_user, series_id=str(series.id), number=1, title="Nothing yet")
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert (response.status_code, response.json()["code"]) == (422, "nothing_to_render")


def test_unknown_episodes_jobs_and_renders_are_not_found(api, no_new_events):
    # when
    with no_new_events():
        answers = [api.post("/api/episodes/00000000-0000-0000-0000-000000000000/render/").status_code,
                   api.get("/api/jobs/00000000-0000-0000-0000-000000000000/").status_code,
                   api.post("/api/jobs/00000000-0000-0000-0000-000000000000/cancel/").status_code,
                   api.get("/api/renders/00000000-0000-0000-0000-000000000000/").status_code]
    # then
    assert answers == [404, 404, 404, 404]


def test_another_studios_job_and_render_look_missing(client_for, make_user, admin_user, make_episode, previz_model):
    # given
    episode = make_episode(previz_model, shots=1)
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    stranger = client_for(make_user("stranger"))
    # when
    answers = [stranger.get(f"/api/jobs/{job.id}/").status_code,
               stranger.get(f"/api/renders/{job.renders[0]}/").status_code,
               stranger.post(f"/api/jobs/{job.id}/cancel/").status_code]
    # then
    assert answers == [404, 404, 404]


def test_a_render_past_its_time_limit_fails_permanently(admin_user, make_episode, previz_model, monkeypatch):
    # given a render the TimeLimit middleware interrupts
    from dramatiq.middleware.time_limit import TimeLimitExceeded

    import generation.tasks as tasks
    from generation.errors import PermanentRenderError

    episode = make_episode(previz_model, shots=1)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))

    def interrupted(**kwargs):
        raise TimeLimitExceeded()

    monkeypatch.setattr(tasks.worker, "job_item_run", interrupted)
    # when
    with pytest.raises(PermanentRenderError, match="time limit"):
        tasks.render_job_item.fn(str(job.id), 0)
    # then
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["error"].startswith("the render exceeded its time limit of ")
    assert job.errors[0]["permanent"] is True


def test_the_render_actor_retries_transient_errors_and_not_permanent_ones():
    # given
    from generation.errors import PermanentRenderError
    from generation.tasks import MAX_RETRIES, render_job_item

    # then
    assert render_job_item.options["max_retries"] == MAX_RETRIES
    assert render_job_item.options["throws"] == (PermanentRenderError,)
    assert render_job_item.options["on_retry_exhausted"] == "render_retries_exhausted"
    assert render_job_item.options["time_limit"] > 0
