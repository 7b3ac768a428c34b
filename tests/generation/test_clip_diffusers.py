"""Clips through the real diffusers loading path: a tiny random-weight AnimateDiff folder (seconds each: keep few)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generation import services
from generation.backends import clear_backend_cache
from generation.models import JobItem

pytestmark = pytest.mark.django_db


def run_job(job):
    for item in JobItem.objects.filter(job_id=job.id).order_by("index"):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    return job


@pytest.fixture(scope="module")
def video_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from demo.tinymodel import build_tiny_animatediff

    root = tmp_path_factory.mktemp("video-root")
    build_tiny_animatediff(root / "tiny-animatediff", seed=0)
    return root


@pytest.fixture
def animatediff(settings, studio, admin_user, video_root):
    settings.MODEL_ROOTS = [video_root]
    return services.model_register(actor=admin_user, studio_id=str(studio.id), name="tiny-animatediff",
                                   backend="diffusers", path=str(video_root / "tiny-animatediff"))


def test_an_animatediff_folder_renders_a_clip_that_reproduces_identically_in_another_process(
        api, admin_user, make_episode, animatediff, video_root):
    # given
    episode = make_episode(animatediff, shots=1, frames=8, steps=2)
    # when
    job = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    clear_backend_cache()  # the reproduction loads the folder afresh
    reproduction = run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    assert (job.status, job.errors) == ("succeeded", [])
    render = api.get(f"/api/renders/{job.renders[0]}/").json()
    assert render["manifest"]["backend"]["pipeline"] == "AnimateDiffPipeline"
    assert (render["media"]["kind"], render["media"]["frames"]) == ("video", 8)
    assert (reproduction.result["identical"], reproduction.result["details"][0]["clip"]["difference"]) == (1, "none")
    # and a fresh process with one torch thread renders the same frames from the same request (this model has
    # no IP-Adapter: its references reach the manifest only, so the child needs no blob storage)
    script = ("import json,sys; from generation.backends.base import RenderRequest;"
              "from generation.backends.diffusers_backend import DiffusersBackend;"
              "from generation.pngmeta import pixels_sha256; r=json.loads(sys.stdin.read()); r.pop('references');"
              "out=[]; DiffusersBackend(sys.argv[1], threads=1).render_frames(RenderRequest(**r), out.append);"
              "print(json.dumps([pixels_sha256(f) for f in out]))")
    result = subprocess.run([sys.executable, "-c", script, str(video_root / "tiny-animatediff")], check=True,
                            input=json.dumps(render["manifest"]["request"]), capture_output=True, text=True,
                            timeout=300, cwd=Path(__file__).parents[2])
    assert json.loads(result.stdout.strip().splitlines()[-1]) == _frame_hashes(job.renders[0])


def _frame_hashes(render_id: str) -> list[str]:
    from generation.models import Render

    return Render.objects.get(pk=render_id).media["frame_sha256"]


def test_a_clip_for_a_model_that_renders_stills_only_is_refused_before_anything_is_queued(
        api, admin_user, make_episode, tiny_model, no_new_events):
    # given
    episode = make_episode(tiny_model, shots=1, frames=8)
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "model_unavailable"
    assert "renders stills only" in response.json()["message"]


def test_a_clip_longer_than_the_motion_adapter_can_make_is_refused(api, make_episode, animatediff, no_new_events):
    # given the tiny adapter's motion modules span 32 frames
    episode = make_episode(animatediff, shots=1, frames=48)
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")
    # then
    assert (response.status_code, response.json()["extra"]["frames"]) == (422, 32)
    assert "renders at most 32 frames" in response.json()["message"]


def test_an_animatediff_folder_with_an_ip_adapter_conditions_every_frame_on_the_pinned_references(tmp_path):
    # given
    import hashlib

    from demo import art
    from demo.tinymodel import build_tiny_animatediff
    from generation.backends.base import Reference, RenderRequest
    from generation.backends.diffusers_backend import DiffusersBackend
    from generation.pngmeta import pixels_sha256

    backend = DiffusersBackend(build_tiny_animatediff(tmp_path / "ip", with_ip_adapter=True), threads=1)

    def frames(image: bytes) -> list[str]:
        reference = Reference(role="lead", kind="character", name="Mei", sha256=hashlib.sha256(image).hexdigest(),
                              image=image)
        request = RenderRequest(prompt="a harbour", negative_prompt="", seed=7, width=64, height=64, steps=2,
                                guidance=7.5, title="", frames=8, references=(reference,))
        made: list = []
        backend.render_frames(request, made.append)
        return [pixels_sha256(frame) for frame in made]

    mei, ines = art.character_portrait("Mei", ["#b22222", "#f1c9a5"], 1), art.character_portrait(
        "Ines", ["#2f4f4f", "#d4a017"], 2)
    # when
    first, again, other = frames(mei), frames(mei), frames(ines)
    # then
    assert backend.describe()["ip_adapter"] is True
    assert first == again and len(first) == 8
    assert all(a != b for a, b in zip(first, other, strict=True))
