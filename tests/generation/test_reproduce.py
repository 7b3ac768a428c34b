from __future__ import annotations

import pytest
from PIL import ImageOps

import eventlog
from generation import services
from generation.models import Job, JobItem, Render

pytestmark = pytest.mark.django_db


def run_job(job):
    for item in JobItem.objects.filter(job_id=job.id).order_by("index"):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    return job


def test_reproducing_an_episode_renders_its_manifests_again_without_storing_anything(
        api, admin_user, make_episode, previz_model, event_types):
    # given
    episode = make_episode(previz_model, shots=2)
    rendered = run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    before = eventlog.head_position()
    # when
    response = api.post(f"/api/episodes/{episode.id}/reproduce/")
    job = run_job(Job.objects.get(pk=response.json()["job"]))
    # then
    assert response.status_code == 202
    body = api.get(f"/api/jobs/{job.id}/").json()
    assert (body["kind"], body["status"], body["identical"], body["different"]) == ("reproduce", "succeeded", 2, 0)
    assert [d["render"] for d in body["details"]] == rendered.renders
    assert all(d["environment"] == [] for d in body["details"])
    assert Render.objects.count() == 2
    assert event_types(before) == ["JobQueued", "JobStarted", "ReproductionCompared", "ReproductionCompared",
                                   "JobFinished"]


def test_a_difference_names_the_part_of_the_environment_that_changed(admin_user, make_episode, previz_model,
                                                                    monkeypatch):
    # given a render, then a "newer Pillow" that draws differently
    import generation.backends.previz as previz
    import generation.rendering as rendering

    episode = make_episode(previz_model, shots=1)
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    real_environment, real_compose = rendering.environment_now, previz.compose_frame
    monkeypatch.setattr(rendering, "environment_now", lambda **kw: {**real_environment(**kw), "pillow": "99.0"})
    monkeypatch.setattr(previz, "compose_frame", lambda request: ImageOps.invert(real_compose(request)))
    # when
    job = run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    assert (job.status, job.result["identical"], job.result["different"]) == ("succeeded", 0, 1)
    detail = job.result["details"][0]
    assert detail["identical"] is False
    assert detail["recorded_sha256"] != detail["reproduced_sha256"]
    assert {"key": "pillow", "recorded": real_environment(device="cpu", threads=1, include_torch=False)["pillow"],
            "current": "99.0"} in detail["environment"]
    assert Render.objects.count() == 1


def test_reproducing_a_locked_cut_uses_the_cut_revisions(api, admin_user, make_episode, previz_model):
    # given a cut, then a later revision of its first shot
    from episodes.models import Shot
    from episodes.services import cut_lock, shot_revise

    episode = make_episode(previz_model, shots=2)
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    cut = cut_lock(actor=admin_user, episode_id=str(episode.id))
    shot = Shot.objects.filter(episode_id=episode.id).order_by("order").first()
    shot_revise(actor=admin_user, shot_id=str(shot.id), expected_revision=1, changes={"prompt": "changed"})
    # when
    response = api.post(f"/api/episodes/{episode.id}/reproduce/", {"cut": str(cut.id)}, format="json")
    job = run_job(Job.objects.get(pk=response.json()["job"]))
    # then
    assert response.status_code == 202
    assert (job.cut_id, job.result["identical"], job.skipped) == (str(cut.id), 2, [])


def test_reproducing_shots_never_rendered_is_refused(api, make_episode, previz_model, no_new_events):
    # given
    episode = make_episode(previz_model, shots=1)
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/reproduce/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "nothing_to_render"


def test_reproduce_read_models_equal_a_rebuild(admin_user, make_episode, previz_model, rebuilt_equals_live):
    # given
    episode = make_episode(previz_model, shots=1)
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    run_job(services.episode_reproduce(actor=admin_user, episode_id=str(episode.id)))
    # then
    rebuilt_equals_live()
