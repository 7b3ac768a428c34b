"""Rendering and re-render plans refuse pins that lack rights for the episode's targets, before queueing."""

from __future__ import annotations

from typing import Any

import pytest

from episodes.models import Shot
from generation.models import Job, JobItem
from generation.services.plans import plan_approve, plan_create, plan_execute

pytestmark = pytest.mark.django_db

FR_SVOD = {"territory": "FR", "media": "svod", "release_date": "2026-06-01"}


def _approve(actor: Any, asset: Any, number: int) -> None:
    from assets.services import asset_version_approve, asset_version_submit

    asset_version_submit(actor=actor, asset_id=str(asset.id), number=number)
    asset_version_approve(actor=actor, asset_id=str(asset.id), number=number)


def test_rendering_an_episode_with_an_unlicensed_pin_is_refused_before_anything_is_queued(
        make_asset, make_episode, make_shot, grant, admin_user, api, no_new_events):
    # given an approved character whose licence excludes France, cast in an episode released in France
    tern = make_asset("Captain Tern")
    _approve(admin_user, tern, 1)
    grant(tern, territories={"worldwide": True, "include": [], "exclude": ["FR"]})
    episode = make_episode([FR_SVOD])
    shot = make_shot(episode, [(tern, 1)])

    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/render/")

    # then
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unlicensed_pin"
    assert [(c["shot"], c["asset"], c["version"], c["reason"]) for c in body["extra"]["conflicts"]] == [
        (str(shot.id), str(tern.id), 1, "territory_excluded")]
    assert Job.objects.count() == 0 and JobItem.objects.count() == 0


def test_a_plan_lists_a_new_version_without_rights_as_a_blocker_instead_of_moving_it(
        make_asset, new_version, make_episode, make_shot, grant, admin_user):
    # given v1 licensed (version-specific), v2 approved but unlicensed, and a shot pinning v1
    tern = make_asset("Captain Tern")
    _approve(admin_user, tern, 1)
    grant(tern, asset_version=1)
    second = new_version(tern)
    _approve(admin_user, tern, second)
    episode = make_episode([FR_SVOD])
    shot = make_shot(episode, [(tern, 1)])

    # when
    plan = plan_create(actor=admin_user, asset_id=str(tern.id))

    # then
    assert plan.shots == []
    assert [(b["shot"], b["reason"]) for b in plan.blockers] == [
        (str(shot.id), "rights: v2 not licensed for FR/svod (version_not_licensed)")]


def test_executing_a_plan_whose_new_pins_lost_their_rights_is_refused_and_revises_nothing(
        make_asset, new_version, make_episode, make_shot, grant, admin_user, manager, no_new_events):
    # given a plan moving a shot to v2 while v2 was licensed, then the licence is suspended
    from rights.services import rights_suspend

    tern = make_asset("Captain Tern")
    _approve(admin_user, tern, 1)
    second = new_version(tern)
    _approve(admin_user, tern, second)
    record = grant(tern)
    episode = make_episode([FR_SVOD])
    shot = make_shot(episode, [(tern, 1)])
    plan = plan_approve(actor=admin_user, plan_id=str(plan_create(actor=admin_user, asset_id=str(tern.id)).id))
    rights_suspend(actor=manager, rights_id=str(record.id), reason="dispute")

    # when / then
    from generation.errors import UnlicensedPin

    with no_new_events(), pytest.raises(UnlicensedPin):
        plan_execute(actor=admin_user, plan_id=str(plan.id))
    assert Shot.objects.get(pk=shot.id).revision == 1
    assert Job.objects.count() == 0
