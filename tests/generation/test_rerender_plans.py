from __future__ import annotations

import pytest

from generation import services
from generation.models import Job, JobItem, Render

pytestmark = pytest.mark.django_db


def run_job(job):
    for item in JobItem.objects.filter(job_id=job.id).order_by("index"):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    return job


def new_approved_version(actor, asset, **changes):
    from assets.services import asset_version_approve, asset_version_create, asset_version_submit

    version = asset_version_create(actor=actor, asset_id=str(asset.id), expected_version=asset.latest_version,
                                   attributes=changes.pop("attributes", {"description": "revised"}), **changes)
    asset_version_submit(actor=actor, asset_id=str(asset.id), number=version.number)
    asset_version_approve(actor=actor, asset_id=str(asset.id), number=version.number)
    asset.refresh_from_db()
    return version


def shots_of(episode):
    from episodes.models import Shot

    return list(Shot.objects.filter(episode_id=episode.id).order_by("order"))


@pytest.fixture
def rendered_episode(admin_user, make_episode, previz_model):
    episode = make_episode(previz_model, shots=2)
    run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    return episode


def test_a_plan_moves_the_direct_pins_to_the_approved_version(api, admin_user, harbour_cast, rendered_episode):
    # given
    mei = harbour_cast["mei"]
    new_approved_version(admin_user, mei, attributes={"description": "a curious girl of eleven"})
    # when
    response = api.post("/api/rerender-plans/", {"asset": str(mei.id)}, format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "proposed"
    assert body["shots"] == [{"shot": str(s.id), "episode": str(rendered_episode.id), "revision": 1, "from": 1,
                              "to": 2} for s in shots_of(rendered_episode)]
    assert (body["renders"], body["blockers"]) == (2, [])


def test_pins_through_a_component_or_to_an_unapproved_version_are_blockers(api, admin_user, harbour_cast,
                                                                            rendered_episode):
    # given a new coat version (Mei v1 holds coat v1 as a component) and a draft lantern version
    coat = harbour_cast["coat"]
    new_approved_version(admin_user, coat, attributes={"description": "a torn red coat"})
    # when
    response = api.post("/api/rerender-plans/", {"asset": str(coat.id)}, format="json")
    # then
    body = response.json()
    assert (body["shots"], body["renders"]) == ([], 0)
    assert [b["shot"] for b in body["blockers"]] == [str(s.id) for s in shots_of(rendered_episode)]
    assert body["blockers"][0]["reason"].startswith(f"pinned through asset {harbour_cast['mei'].id} v1 (component)")


def test_a_target_version_that_is_not_approved_blocks_every_shot(api, admin_user, harbour_cast, rendered_episode):
    # given
    from assets.services import asset_version_create

    mei = harbour_cast["mei"]
    asset_version_create(actor=admin_user, asset_id=str(mei.id), expected_version=1, attributes={"description": "x"})
    # when
    body = api.post("/api/rerender-plans/", {"asset": str(mei.id), "to_version": 2}, format="json").json()
    # then
    assert body["shots"] == []
    assert {b["reason"] for b in body["blockers"]} == {"version 2 is draft, not approved"}


def test_executing_an_unapproved_plan_is_refused(api, admin_user, harbour_cast, rendered_episode, no_new_events):
    # given
    new_approved_version(admin_user, harbour_cast["mei"])
    plan = api.post("/api/rerender-plans/", {"asset": str(harbour_cast["mei"].id)}, format="json").json()
    # when
    with no_new_events():
        response = api.post(f"/api/rerender-plans/{plan['id']}/execute/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "plan_not_approved"


def test_an_artist_may_not_approve_a_plan(client_for, member, admin_user, harbour_cast, rendered_episode,
                                          no_new_events):
    # given
    artist = member("ari", "artist")
    new_approved_version(admin_user, harbour_cast["mei"])
    plan = services.plan_create(actor=artist, asset_id=str(harbour_cast["mei"].id))
    # when
    with no_new_events():
        response = client_for(artist).post(f"/api/rerender-plans/{plan.id}/approve/")
    # then
    assert response.status_code == 403


def test_executing_a_plan_revises_and_renders_only_its_shots_and_keeps_earlier_renders_and_cuts(
        api, admin_user, harbour_cast, make_episode, previz_model, no_new_events):
    # given two episodes: one pins Mei, the other only the harbour; both rendered and locked
    from episodes.models import Cut, ShotRevision
    from episodes.services import cut_lock

    with_mei = make_episode(previz_model, shots=2)
    without = make_episode(previz_model, shots=1, cast=[{"asset": str(harbour_cast["harbour"].id), "version": 1}])
    for episode in (with_mei, without):
        run_job(services.episode_render(actor=admin_user, episode_id=str(episode.id)))
    cut = cut_lock(actor=admin_user, episode_id=str(with_mei.id))
    earlier = set(Render.objects.values_list("id", flat=True))
    new_approved_version(admin_user, harbour_cast["mei"])
    plan = api.post("/api/rerender-plans/", {"asset": str(harbour_cast["mei"].id)}, format="json").json()
    api.post(f"/api/rerender-plans/{plan['id']}/approve/")
    # when
    response = api.post(f"/api/rerender-plans/{plan['id']}/execute/")
    job = run_job(Job.objects.get(pk=response.json()["job"]))
    # then
    assert response.status_code == 202
    assert (job.kind, job.status, job.total) == ("rerender", "succeeded", 2)
    for shot in shots_of(with_mei):
        assert shot.revision == 2
        assert ShotRevision.objects.get(pk=f"{shot.id}:2").cast[0]["version"] == 2
    assert [s.revision for s in shots_of(without)] == [1]
    assert earlier <= set(Render.objects.values_list("id", flat=True))
    assert Render.objects.count() == len(earlier) + 2
    assert Cut.objects.get(pk=cut.id).shots == [{"shot": str(s.id), "revision": 1} for s in shots_of(with_mei)]
    # and executing again renders nothing twice
    with no_new_events():
        again = api.post(f"/api/rerender-plans/{plan['id']}/execute/")
    assert (again.status_code, again.json()["job"]) == (202, str(job.id))


def test_a_shot_revised_since_the_plan_is_skipped_and_listed(admin_user, harbour_cast, rendered_episode):
    # given
    from episodes.services import shot_revise

    new_approved_version(admin_user, harbour_cast["mei"])
    plan = services.plan_create(actor=admin_user, asset_id=str(harbour_cast["mei"].id))
    services.plan_approve(actor=admin_user, plan_id=str(plan.id))
    first, second = shots_of(rendered_episode)
    shot_revise(actor=admin_user, shot_id=str(first.id), expected_revision=1, changes={"prompt": "edited"})
    # when
    plan = services.plan_execute(actor=admin_user, plan_id=str(plan.id))
    # then
    assert plan.skipped == [{"shot": str(first.id), "reason": "revised since the plan (now revision 2)"}]
    assert plan.revised == [{"shot": str(second.id), "from_revision": 1, "to_revision": 2}]
    assert Job.objects.get(pk=plan.job_id).total == 1


def test_plan_read_models_equal_a_rebuild(admin_user, harbour_cast, rendered_episode, rebuilt_equals_live):
    # given
    new_approved_version(admin_user, harbour_cast["mei"])
    plan = services.plan_create(actor=admin_user, asset_id=str(harbour_cast["mei"].id))
    services.plan_approve(actor=admin_user, plan_id=str(plan.id))
    run_job(Job.objects.get(pk=services.plan_execute(actor=admin_user, plan_id=str(plan.id)).job_id))
    # then
    rebuilt_equals_live()


def test_approving_a_plan_twice_is_refused(api, admin_user, harbour_cast, rendered_episode, no_new_events):
    # given
    new_approved_version(admin_user, harbour_cast["mei"])
    plan = api.post("/api/rerender-plans/", {"asset": str(harbour_cast["mei"].id)}, format="json").json()
    api.post(f"/api/rerender-plans/{plan['id']}/approve/")
    # when
    with no_new_events():
        response = api.post(f"/api/rerender-plans/{plan['id']}/approve/")
    # then
    assert (response.status_code, response.json()["code"]) == (422, "plan_state")
    assert api.get(f"/api/rerender-plans/{plan['id']}/").json()["status"] == "approved"
