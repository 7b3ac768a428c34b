from __future__ import annotations

import hashlib

import pytest

import eventlog
from generation import services
from generation.models import Job, JobItem, Render
from generation.pngmeta import read_png_manifest
from generation.rendering import read_blob
from generation.video import decoded_frame_hashes

pytestmark = pytest.mark.django_db


def run_job(job):
    for item in JobItem.objects.filter(job_id=job.id).order_by("index"):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    return job


def rendered_clip(api, admin_user, make_episode, model, **clip):
    episode = make_episode(model, shots=1, **clip)
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    assert (job.status, job.errors) == ("succeeded", [])
    return episode, api.get(f"/api/renders/{job.renders[0]}/").json()


def test_a_previz_clip_renders_as_an_mp4_and_a_poster_carrying_its_manifest(
        api, admin_user, make_episode, previz_model, event_types):
    # given
    before = eventlog.head_position()
    # when
    _episode, render = rendered_clip(api, admin_user, make_episode, previz_model, frames=12, fps=12,
                                     camera="slow pan left along the quay")
    # then
    media = render["media"]
    assert {k: media[k] for k in ("kind", "frames", "fps")} == {"kind": "video", "frames": 12, "fps": 12}
    assert media["poster_sha256"] == render["image_sha256"]
    video = read_blob(media["video_sha256"])
    assert hashlib.sha256(video).hexdigest() == media["video_sha256"]
    assert len(decoded_frame_hashes(video)) == 12
    assert read_png_manifest(read_blob(render["image_sha256"])) == (render["manifest"], render["manifest_hash"])
    manifest = render["manifest"]
    assert {k: manifest["request"][k] for k in ("frames", "fps", "camera")} == {
        "frames": 12, "fps": 12, "camera": "slow pan left along the quay"}
    assert manifest["video"]["codec"] == "libx264" and manifest["video"]["previz_motion"] == "1"
    response = api.get(media["video_url"])
    assert (response.status_code, response["Content-Type"]) == (200, "video/mp4")
    assert api.get(f"/api/blobs/{media['video_sha256']}/thumbnail/").status_code == 404
    # both files are stored before the one append that records them with the render
    assert event_types(before)[-7:] == [
        "JobQueued", "JobStarted", "BlobStored", "BlobStored", "RenderSucceeded", "ShotRenderSucceeded", "JobFinished"]


def test_a_still_keeps_the_manifest_it_had_before_clips_existed(api, admin_user, make_episode, previz_model):
    # given / when
    _episode, render = rendered_clip(api, admin_user, make_episode, previz_model)
    # then: no clip field reaches a still's manifest, so its hash is the one recorded before
    manifest = render["manifest"]
    assert set(manifest) == {"format", "shot", "cast", "model", "backend", "request", "device", "threads",
                             "environment"}
    assert set(manifest["request"]) == {"prompt", "negative_prompt", "seed", "width", "height", "steps", "guidance",
                                        "title", "references"}
    assert render["media"] == {"kind": "image", "frames": 1, "width": 64, "height": 64,
                               "image_sha256": render["image_sha256"]}


def test_rendering_a_clip_twice_gives_the_same_bytes(api, admin_user, make_episode, previz_model):
    # given a rendered clip
    _episode, first = rendered_clip(api, admin_user, make_episode, previz_model, frames=6)
    # when the same manifest renders again from scratch
    from generation.backends import load_backend
    from generation.clips import render_clip

    clip = render_clip(first["manifest"], first["manifest_hash"], load_backend("previz", None))
    # then
    assert hashlib.sha256(clip.video).hexdigest() == first["media"]["video_sha256"]
    # the stored poster is signed (C2PA): the renderer's bytes are the signed file without its credentials
    from generation.credentials import content_sha256
    from generation.rendering import read_blob

    assert hashlib.sha256(clip.poster).hexdigest() == content_sha256(read_blob(first["image_sha256"]))


def test_reproducing_a_clip_compares_the_file_and_every_frame(api, admin_user, make_episode, previz_model):
    # given
    episode, render = rendered_clip(api, admin_user, make_episode, previz_model, frames=8)
    # when
    job = run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    assert (job.result["identical"], job.result["different"]) == (1, 0)
    detail = job.result["details"][0]
    assert detail["recorded_sha256"] == detail["reproduced_sha256"] == render["media"]["video_sha256"]
    assert detail["clip"] == {"difference": "none", "reason": "the file and all 8 frames are identical",
                              "file_identical": True, "frames": 8, "recorded_frames": 8, "decoded_differing": [],
                              "rendered_differing": []}
    # and the read models a rebuild makes from the log equal the live ones (media, comparisons)
    from eventlog.projections import replay_check

    assert replay_check(["generation.jobs", "episodes"]) is None


def test_identical_frames_in_a_different_file_are_reported_as_an_encoder_difference(
        api, admin_user, make_episode, previz_model, monkeypatch):
    # given a clip rendered with the recorded encoder settings
    episode, _render = rendered_clip(api, admin_user, make_episode, previz_model, frames=8)
    # when the encoder is set up differently for the reproduction
    from generation import video

    monkeypatch.setattr(video, "CODEC_OPTIONS", {**video.CODEC_OPTIONS, "crf": "30"})
    job = run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    detail = job.result["details"][0]
    assert (job.result["identical"], job.result["different"]) == (0, 1)
    assert (detail["clip"]["difference"], detail["clip"]["rendered_differing"]) == ("encoder", [])
    assert detail["clip"]["reason"].startswith("every rendered frame is identical but the file differs")
    options = video.CODEC_OPTIONS
    assert {"key": "video:options", "recorded": {**options, "crf": "18"}, "current": options} in detail["environment"]


def test_a_clip_render_stops_between_frames_when_cancelled(admin_user, make_episode, previz_model):
    # given a queued clip render
    from generation.backends import RenderCancelled, load_backend
    from generation.clips import render_clip

    episode = make_episode(previz_model, shots=1, frames=24)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    item = JobItem.objects.get(job_id=job.id, index=0)
    made: list[tuple[int, int]] = []
    # when a cancellation arrives once the fifth frame is made
    with pytest.raises(RenderCancelled):
        render_clip(item.manifest, item.manifest_hash, load_backend("previz", None),
                    cancelled=lambda: len(made) >= 5, frame_progress=lambda f, n: made.append((f, n)))
    # then
    assert made == [(n, 24) for n in range(1, 6)]


def test_a_cancelled_clip_job_stores_nothing(admin_user, make_episode, previz_model):
    # given a clip job cancelled before its worker runs
    episode = make_episode(previz_model, shots=1, frames=24)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    services.job_cancel(actor=admin_user, job_id=str(job.id))
    # when
    services.job_item_run(job_id=str(job.id), index=0)
    # then
    job.refresh_from_db()
    assert (job.status, Render.objects.count()) == ("cancelled", 0)


@pytest.mark.parametrize(("camera", "moved"), [("push in on Mei", "zoom"), ("camera pans left", "pan")])
def test_previz_moves_the_camera_as_the_notes_say(camera, moved):
    # given
    from generation.backends.base import RenderRequest
    from generation.backends.previz import PrevizBackend, camera_move
    from generation.pngmeta import pixels_sha256

    request = RenderRequest(prompt="Mei on the quay", negative_prompt="", seed=3, width=64, height=64, steps=1,
                            guidance=0.0, title="Quay", frames=5, camera=camera)
    frames: list = []
    # when
    PrevizBackend().render_frames(request, frames.append)
    # then
    assert camera_move(camera) == {"zoom": "push_in", "pan": "pan_left"}[moved]
    assert [f.size for f in frames] == [(64, 64)] * 5
    assert len({pixels_sha256(f) for f in frames}) == 5


def test_frames_and_fps_out_of_bounds_are_refused_and_append_nothing(api, episode_for_api, no_new_events):
    # given
    url, body = episode_for_api
    # when
    with no_new_events():
        responses = [api.post(url, {**body, "frames": 0}, format="json"),
                     api.post(url, {**body, "frames": 2, "fps": 500}, format="json")]
    # then
    assert [r.status_code for r in responses] == [400, 400]
    assert [list(r.json()["extra"]["fields"]) for r in responses] == [["frames"], ["fps"]]


@pytest.fixture
def episode_for_api(admin_user, make_episode, previz_model, harbour_cast):
    episode = make_episode(previz_model, shots=0)
    body = {"prompt": "Mei waves", "cast": [{"asset": str(harbour_cast["mei"].id), "version": 1}], "seed": 1,
            "width": 64, "height": 64, "steps": 1, "model": str(previz_model.id)}
    return f"/api/episodes/{episode.id}/shots/", body


def test_a_redesign_re_renders_the_clips_of_the_affected_shots_only(
        api, admin_user, make_episode, previz_model, harbour_cast):
    # given a clip pinning Mei and a clip of the harbour alone, both rendered
    from episodes.models import Shot

    with_mei = make_episode(previz_model, shots=1, frames=6)
    without = make_episode(previz_model, shots=1, frames=6,
                           cast=[{"asset": str(harbour_cast["harbour"].id), "version": 1}])
    for episode in (with_mei, without):
        run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    earlier = set(Render.objects.values_list("id", flat=True))
    from tests.generation.test_rerender_plans import new_approved_version

    mei = harbour_cast["mei"]
    new_approved_version(admin_user, mei, attributes={"description": "Mei, with a yellow scarf"})
    # when
    plan = services.plan_create(actor=admin_user, asset_id=str(mei.id))
    services.plan_approve(actor=admin_user, plan_id=str(plan.id))
    job = run_job(Job.objects.get(pk=services.plan_execute(actor=admin_user, plan_id=str(plan.id)).job_id))
    # then
    fresh = Render.objects.exclude(id__in=earlier)
    shot = Shot.objects.get(episode_id=with_mei.id)
    assert (job.status, [r.shot_id for r in fresh]) == ("succeeded", [str(shot.id)])
    assert [(r.shot_revision, r.media["kind"], r.media["frames"]) for r in fresh] == [(2, "video", 6)]
    assert Shot.objects.get(episode_id=without.id).revision == 1



def test_a_clip_reports_its_frames_as_well_as_its_steps(admin_user, make_episode, previz_model, monkeypatch):
    # given progress written at every report (a real clip takes longer than the one-second throttle)
    from generation.models import RenderProgress
    from generation.services import worker

    monkeypatch.setattr(worker, "PROGRESS_SECONDS", 0.0)
    episode = make_episode(previz_model, shots=1, frames=10)
    # when
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # then
    progress = RenderProgress.objects.get(job_id=str(job.id))
    assert (progress.step, progress.steps, progress.frame, progress.frames) == (1, 1, 10, 10)


def test_a_clip_whose_video_cannot_be_stored_records_nothing_and_leaves_no_poster(
        admin_user, make_episode, previz_model, monkeypatch, event_types, settings):
    # given a disk that fills up after the poster is stored (its file and folder fsyncs), as the MP4 is written
    import os
    from pathlib import Path

    episode = make_episode(previz_model, shots=1, frames=6)
    job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
    working, calls = os.fsync, []

    def filling(handle):
        calls.append(handle)
        if len(calls) == 3:
            raise OSError("No space left on device")
        working(handle)

    monkeypatch.setattr(os, "fsync", filling)
    before = eventlog.head_position()
    # when
    with pytest.raises(OSError, match="No space left"):
        services.job_item_run(job_id=str(job.id), index=0)
    # then
    blobs = Path(settings.STORAGES["blobs"]["OPTIONS"]["location"])
    assert (event_types(before), Render.objects.count()) == ([], 0)
    assert not [p for p in blobs.rglob("*") if p.is_file() and "thumbnails" not in p.parts
                and not _is_reference(p.name)]
    monkeypatch.setattr(os, "fsync", working)
    services.job_item_run(job_id=str(job.id), index=0)
    assert Render.objects.get().media["frames"] == 6


def _is_reference(name: str) -> bool:
    from assets.models import Blob

    return Blob.objects.filter(pk=name).exists()


def test_a_reproduction_whose_frames_render_differently_names_those_frames(
        admin_user, make_episode, previz_model, monkeypatch):
    # given a pan rendered as recorded
    episode = make_episode(previz_model, shots=1, frames=6, camera="pan right")
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    # when previz composes a larger plate at reproduction (a drawing change without a version bump)
    from generation.backends import previz

    monkeypatch.setattr(previz, "PLATE_SCALE", 1.5)
    job = run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    clip = job.result["details"][0]["clip"]
    assert (job.result["different"], clip["difference"]) == (1, "frames")
    assert clip["rendered_differing"] == [0, 1, 2, 3, 4, 5]
    assert clip["reason"] == "6 rendered frame(s) differ (frames 0, 1, 2, 3, 4, 5): the render itself changed"
