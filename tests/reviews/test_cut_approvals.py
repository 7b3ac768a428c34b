from __future__ import annotations

import uuid

import pytest

import eventlog
from episodes.services import shot_revise
from reviews.errors import CutOutdated
from reviews.models import CutApproval
from reviews.services import cut_approve

pytestmark = pytest.mark.django_db


def _events_after(position):
    return [(e.type, e.stream_id) for e in eventlog.read_after(position)]


def test_approving_a_rendered_cut_records_a_current_approval_bound_to_its_hash_and_renders(
        api, admin_user, locked_cut):
    # given
    cut = locked_cut(shots=2)
    before = eventlog.head_position()
    # when
    response = api.post(f"/api/cuts/{cut.id}/approve/", {"comment": "  Lovely light.  "}, format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    from generation.models import Render

    renders = {(r.shot_id, r.shot_revision): r for r in Render.objects.all()}
    assert (body["cut"], body["cut_hash"], body["cut_number"], body["episode"]) == (
        str(cut.id), cut.hash, 1, str(cut.episode_id))
    assert (body["state"], body["stale_reason"], body["stale_at"]) == ("current", None, None)
    assert (body["comment"], body["approved_by"]) == ("Lovely light.", "ada")
    assert body["shots"] == [
        {"shot": s["shot"], "revision": s["revision"], "render": str(renders[(s["shot"], s["revision"])].id),
         "image_sha256": renders[(s["shot"], s["revision"])].image_sha256} for s in cut.shots]
    assert _events_after(before) == [("CutApproved", f"cut-approval-{body['id']}")]
    assert api.get(f"/api/cuts/{cut.id}/approvals/").json()["results"] == [body]
    assert api.get(f"/api/approvals/{body['id']}/").json() == body


def test_revising_a_shot_of_the_cut_makes_its_approval_stale_with_the_pin_that_moved(
        api, admin_user, locked_cut, harbour_cast, mei_v2):
    # given
    cut = locked_cut(shots=2)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    shot = cut.shots[1]["shot"]
    # when
    revision = shot_revise(actor=admin_user, shot_id=shot, expected_revision=1, changes={"cast": [
        {"asset": str(harbour_cast["mei"].id), "version": mei_v2, "role": "lead"},
        {"asset": str(harbour_cast["harbour"].id), "version": 1}]})
    # then
    body = api.get(f"/api/cuts/{cut.id}/approvals/").json()["results"][0]
    assert (body["id"], body["state"]) == (str(approval.id), "stale")
    assert body["stale_reason"] == f"shot {shot} revised to r2 (cast changed: Mei v1 → v2)"
    assert body["stale_at"] == revision.created_at.isoformat()


def test_a_revision_of_other_fields_names_them_in_the_reason(admin_user, locked_cut):
    # given
    cut = locked_cut(shots=1)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    shot = cut.shots[0]["shot"]
    # when
    shot_revise(actor=admin_user, shot_id=shot, expected_revision=1, changes={"prompt": "Mei runs", "seed": 7})
    # then
    approval.refresh_from_db()
    assert (approval.state, approval.stale_reason) == (
        "stale", f"shot {shot} revised to r2 (prompt, seed changed)")


def test_a_re_render_of_an_approved_shot_revision_with_a_different_image_makes_the_approval_stale(
        api, admin_user, settings, locked_cut, tiny_model, render_episode):
    # given: approved with renders made on 1 thread
    settings.RENDER_THREADS = 1
    cut = locked_cut(shots=1, model=tiny_model)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    approved_sha = approval.shots[0]["image_sha256"]
    # when: the render farm moves to 2 threads and renders the same shot revision again (a new manifest)
    settings.RENDER_THREADS = 2
    job = render_episode(cut.episode)
    # then
    from generation.models import Render

    new = Render.objects.get(pk=job.renders[0])
    assert (new.shot_id, new.shot_revision) == (cut.shots[0]["shot"], 1)
    assert new.image_sha256 != approved_sha
    body = api.get(f"/api/approvals/{approval.id}/").json()
    assert body["state"] == "stale"
    assert body["stale_reason"] == (f"render of shot {new.shot_id} r1 replaced: "
                                    f"image {approved_sha[:12]} → {new.image_sha256[:12]}")
    assert body["stale_at"] == new.created_at.isoformat()


def test_a_re_render_that_reuses_the_approved_render_keeps_the_approval_current(
        admin_user, locked_cut, render_episode):
    # given
    cut = locked_cut(shots=1)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    before = eventlog.head_position()
    # when: the same manifest is asked for again, so its render is reused
    render_episode(cut.episode)
    # then
    assert "RenderSucceeded" not in [t for t, _ in _events_after(before)]
    approval.refresh_from_db()
    assert (approval.state, approval.stale_reason) == ("current", "")


def test_events_of_another_episode_leave_the_approval_current(admin_user, locked_cut, render_episode):
    # given
    cut = locked_cut(shots=1)
    other = locked_cut(shots=1)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    # when
    shot_revise(actor=admin_user, shot_id=other.shots[0]["shot"], expected_revision=1, changes={"prompt": "Rain"})
    render_episode(other.episode)
    # then
    approval.refresh_from_db()
    assert (approval.state, approval.stale_reason, approval.stale_at) == ("current", "", None)


def test_a_stale_approval_keeps_its_first_reason(admin_user, locked_cut):
    # given
    cut = locked_cut(shots=1)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    shot = cut.shots[0]["shot"]
    shot_revise(actor=admin_user, shot_id=shot, expected_revision=1, changes={"prompt": "Mei waves"})
    # when
    shot_revise(actor=admin_user, shot_id=shot, expected_revision=2, changes={"seed": 9})
    # then
    approval.refresh_from_db()
    assert approval.stale_reason == f"shot {shot} revised to r2 (prompt changed)"


def test_a_new_approval_of_a_new_cut_is_current_while_the_old_one_stays_stale(api, admin_user, locked_cut,
                                                                              render_episode):
    # given
    from episodes.services import cut_lock

    cut = locked_cut(shots=1)
    old = cut_approve(actor=admin_user, cut_id=str(cut.id))
    shot_revise(actor=admin_user, shot_id=cut.shots[0]["shot"], expected_revision=1, changes={"prompt": "Dawn"})
    render_episode(cut.episode)
    new_cut = cut_lock(actor=admin_user, episode_id=str(cut.episode_id))
    # when
    new = cut_approve(actor=admin_user, cut_id=str(new_cut.id))
    # then
    results = api.get(f"/api/episodes/{cut.episode_id}/approvals/").json()["results"]
    assert [(r["id"], r["cut"], r["state"]) for r in results] == [
        (str(new.id), str(new_cut.id), "current"), (str(old.id), str(cut.id), "stale")]
    current = api.get(f"/api/episodes/{cut.episode_id}/approvals/?state=current").json()["results"]
    assert [r["id"] for r in current] == [str(new.id)]


def test_a_re_render_plan_moving_mei_to_v2_makes_the_approval_stale(admin_user, locked_cut, harbour_cast, mei_v2):
    # given
    from generation.services import plan_approve, plan_create, plan_execute

    cut = locked_cut(shots=1)
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    plan = plan_create(actor=admin_user, asset_id=str(harbour_cast["mei"].id), to_version=mei_v2)
    plan_approve(actor=admin_user, plan_id=str(plan.id))
    # when
    plan_execute(actor=admin_user, plan_id=str(plan.id))
    # then
    approval.refresh_from_db()
    assert (approval.state, approval.stale_reason) == (
        "stale", f"shot {cut.shots[0]['shot']} revised to r2 (cast changed: Mei v1 → v2)")


def test_approving_an_unknown_cut_is_not_found(api, locked_cut, no_new_events):
    # given
    cut = locked_cut(shots=1)
    # when
    with no_new_events():
        unknown = api.post(f"/api/cuts/{uuid.uuid4()}/approve/", {}, format="json")
        episode = api.post(f"/api/cuts/{cut.episode_id}/approve/", {}, format="json")
    # then
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert (episode.status_code, episode.json()["code"]) == (404, "not_found")


def test_approving_a_cut_with_unrendered_shots_is_refused_naming_them(api, locked_cut, no_new_events):
    # given
    cut = locked_cut(shots=2, rendered=False)
    # when
    with no_new_events():
        response = api.post(f"/api/cuts/{cut.id}/approve/", {}, format="json")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "cut_not_rendered"
    assert response.json()["extra"]["missing"] == [{"shot": s["shot"], "revision": 1} for s in cut.shots]
    assert CutApproval.objects.count() == 0


def test_approving_a_cut_whose_shot_moved_on_is_refused(api, admin_user, locked_cut, no_new_events):
    # given
    cut = locked_cut(shots=1)
    shot = cut.shots[0]["shot"]
    shot_revise(actor=admin_user, shot_id=shot, expected_revision=1, changes={"prompt": "Dusk falls"})
    # when
    with no_new_events():
        response = api.post(f"/api/cuts/{cut.id}/approve/", {}, format="json")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "cut_outdated"
    assert response.json()["extra"]["shots"] == [{"shot": shot, "revision": 1, "current_revision": 2}]


def test_only_supervisors_and_admins_approve_and_other_studios_see_nothing(
        client_for, member, make_user, locked_cut, no_new_events):
    # given
    cut = locked_cut(shots=1)
    viewer, artist, supervisor = member("vic", "viewer"), member("art", "artist"), member("sue", "supervisor")
    outsider = make_user("olga")
    url = f"/api/cuts/{cut.id}/approve/"
    # when
    with no_new_events():
        refused = {name: client_for(user).post(url, {}, format="json")
                   for name, user in [("viewer", viewer), ("artist", artist), ("outsider", outsider)]}
        listed = client_for(outsider).get(f"/api/cuts/{cut.id}/approvals/")
    approved = client_for(supervisor).post(url, {}, format="json")
    # then
    assert {name: r.status_code for name, r in refused.items()} == {"viewer": 403, "artist": 403, "outsider": 404}
    assert listed.status_code == 404
    assert (approved.status_code, approved.json()["approved_by"]) == (201, "sue")
    assert client_for(viewer).get(f"/api/cuts/{cut.id}/approvals/").json()["results"][0]["state"] == "current"


def test_a_too_long_comment_is_refused(api, locked_cut, no_new_events):
    # given
    cut = locked_cut(shots=1)
    # when
    with no_new_events():
        response = api.post(f"/api/cuts/{cut.id}/approve/", {"comment": "x" * 2001}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["comment"]


def test_approvals_rebuilt_from_the_log_equal_the_live_ones(admin_user, locked_cut, render_episode, mei_v2,
                                                           harbour_cast, rebuilt_equals_live):
    # given: one approval made stale by a revision, one still current, one of a cut approved twice
    stale_cut, current_cut = locked_cut(shots=2), locked_cut(shots=1)
    cut_approve(actor=admin_user, cut_id=str(stale_cut.id), comment="first")
    cut_approve(actor=admin_user, cut_id=str(current_cut.id))
    cut_approve(actor=admin_user, cut_id=str(current_cut.id), comment="again")
    shot_revise(actor=admin_user, shot_id=stale_cut.shots[0]["shot"], expected_revision=1, changes={"cast": [
        {"asset": str(harbour_cast["mei"].id), "version": mei_v2}]})
    render_episode(stale_cut.episode)
    # then
    assert sorted(CutApproval.objects.values_list("state", flat=True)) == ["current", "current", "stale"]
    rebuilt_equals_live()


def test_a_revision_landing_while_the_cut_is_approved_refuses_the_approval(admin_user, locked_cut, monkeypatch,
                                                                           no_new_events):
    # given: a shot of the cut is revised between the approval's checks and its append
    from reviews import services

    cut = locked_cut(shots=1)
    shot = cut.shots[0]["shot"]
    checked = services._renders

    def renders_then_revise(pairs):
        found = checked(pairs)
        shot_revise(actor=admin_user, shot_id=shot, expected_revision=1, changes={"prompt": "Late change"})
        return found

    monkeypatch.setattr(services, "_renders", renders_then_revise)
    before = eventlog.head_position()
    # when
    with pytest.raises(CutOutdated) as refused:
        cut_approve(actor=admin_user, cut_id=str(cut.id))
    # then
    assert refused.value.extra["shots"] == [{"shot": shot, "revision": 1, "current_revision": 2}]
    assert [t for t, _ in _events_after(before)] == ["ShotRevised"]
    assert CutApproval.objects.count() == 0


def test_a_render_landing_while_the_cut_is_approved_makes_the_approval_stale_at_once(
        admin_user, settings, locked_cut, tiny_model, render_episode, monkeypatch, rebuilt_equals_live):
    # given: a new render of the shot revision is recorded between the approval's read of renders and its append
    from reviews import services

    settings.RENDER_THREADS = 1
    cut = locked_cut(shots=1, model=tiny_model)
    checked, made = services._renders, []

    def renders_then_render(pairs):
        found = checked(pairs)
        settings.RENDER_THREADS = 2
        made.append(render_episode(cut.episode).renders[0])
        return found

    monkeypatch.setattr(services, "_renders", renders_then_render)
    # when
    approval = cut_approve(actor=admin_user, cut_id=str(cut.id))
    # then
    from generation.models import Render

    old, new = approval.shots[0]["image_sha256"], Render.objects.get(pk=made[0]).image_sha256
    assert approval.state == "stale"
    assert approval.stale_reason == f"render of shot {cut.shots[0]['shot']} r1 replaced: image {old[:12]} → {new[:12]}"
    rebuilt_equals_live()
