from __future__ import annotations

from typing import Any

import pytest

import eventlog
from episodes.models import CastPin, Shot, ShotRevision

pytestmark = pytest.mark.django_db


def _body(previz: Any, cast: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {"prompt": "Mara on the quay", "cast": cast, "seed": 42, "width": 512, "height": 320, "steps": 20,
            "model": str(previz.id), **overrides}


def test_a_shot_pins_exact_versions_resolving_approved_and_latest_once(
    api: Any, episode: Any, previz: Any, make_asset: Any, new_version: Any,
) -> None:
    # given: Mara has v1 approved and v2 draft; the coat only v1 approved
    mara, coat, quay = make_asset("Mara"), make_asset("Sea coat", "costume"), make_asset("Quay", "scene")
    new_version(mara)
    cast = [{"asset": str(mara.id), "version": "approved", "role": "lead"},
            {"asset": str(coat.id), "version": "latest"}, {"asset": str(quay.id), "version": 1}]
    # when
    response = api.post(f"/api/episodes/{episode.id}/shots/", _body(previz, cast, title="Arrival", guidance=6.5,
                                                                    camera="wide, low angle", duration=4.5),
                        format="json")
    new_version(mara, approve=True)  # a later approval never moves the pin
    # then
    assert response.status_code == 201, response.json()
    shot_id = response.json()["id"]
    assert response.json() == {"id": shot_id, "revision": 1}
    shot = api.get(f"/api/shots/{shot_id}/").json()
    assert [(c["asset"], c["version"], c["role"]) for c in shot["cast"]] == [
        (str(mara.id), 1, "lead"), (str(coat.id), 1, ""), (str(quay.id), 1, "")]
    assert shot["cast"][0]["name"] == "Mara" and shot["cast"][0]["status"] == "approved"
    assert (shot["revision"], shot["order"], shot["seed"], shot["width"], shot["height"], shot["steps"]) == (
        1, 1, 42, 512, 320, 20)
    assert (shot["guidance"], shot["duration"], shot["camera"], shot["model"]) == (
        6.5, 4.5, "wide, low angle", str(previz.id))


def test_an_episode_lists_its_shots_in_order_with_their_current_revision_and_cast(
    api: Any, episode: Any, make_asset: Any, make_shot: Any, revise: Any,
) -> None:
    # given
    mara = make_asset("Mara")
    second = make_shot(episode, (mara, 1), order=20, title="second")
    first = make_shot(episode, (mara, 1), order=10, title="first")
    revise(second, prompt="Mara turns", order=5)
    # when
    body = api.get(f"/api/episodes/{episode.id}/").json()
    # then
    assert [(s["id"], s["order"], s["revision"], s["prompt"]) for s in body["shots"]] == [
        (str(second.id), 5, 2, "Mara turns"), (str(first.id), 10, 1, "Mara walks the harbour at dawn")]
    assert body["shots"][0]["cast"][0]["asset"] == str(mara.id)


def test_revising_a_shot_appends_a_whole_revision_and_moves_the_current_pins(
    api: Any, episode: Any, make_asset: Any, new_version: Any, make_shot: Any,
) -> None:
    # given
    mara = make_asset("Mara")
    shot = make_shot(episode, (mara, 1), title="Arrival")
    number = new_version(mara)
    # when
    response = api.post(f"/api/shots/{shot.id}/revisions/", {
        "expected_revision": 1, "steps": 30, "cast": [{"asset": str(mara.id), "version": number}]}, format="json")
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["revision"] == 2
    revision = ShotRevision.objects.get(pk=f"{shot.id}:2")
    assert (revision.steps, revision.title, revision.prompt, revision.cast) == (
        30, "Arrival", "Mara walks the harbour at dawn", [{"asset": str(mara.id), "version": 2, "role": ""}])
    assert ShotRevision.objects.get(pk=f"{shot.id}:1").steps == 4
    assert sorted(CastPin.objects.filter(shot_id=shot.id).values_list("version", "current")) == [(1, False), (2, True)]
    events = eventlog.load_stream(f"shot-{shot.id}")
    assert [(e.type, e.stream_version) for e in events] == [("ShotCreated", 1), ("ShotRevised", 2)]
    assert events[1].data["changed"] == ["steps", "cast"]
    assert [r["revision"] for r in api.get(f"/api/shots/{shot.id}/revisions/").json()["results"]] == [1, 2]
    assert api.get(f"/api/shots/{shot.id}/revisions/1/").json()["steps"] == 4


def test_revising_from_a_stale_revision_is_a_409_with_the_current_revision(
    api: Any, episode: Any, make_asset: Any, make_shot: Any, revise: Any, no_new_events: Any,
) -> None:
    # given
    shot = make_shot(episode, (make_asset("Mara"), 1))
    revise(shot, seed=8)
    # when
    with no_new_events():
        response = api.post(f"/api/shots/{shot.id}/revisions/", {"expected_revision": 1, "seed": 9}, format="json")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "stale_revision"
    assert response.json()["extra"]["current_version"] == 2
    assert Shot.objects.get(pk=shot.id).revision == 2


def test_a_revision_that_changes_nothing_is_refused(
    api: Any, episode: Any, make_asset: Any, make_shot: Any, no_new_events: Any,
) -> None:
    # given
    shot = make_shot(episode, (make_asset("Mara"), 1))
    # when
    with no_new_events():
        response = api.post(f"/api/shots/{shot.id}/revisions/", {"expected_revision": 1, "seed": 7}, format="json")
    # then
    assert response.status_code == 400


def test_a_revision_may_keep_a_pin_retired_since_but_not_add_one(
    admin_user: Any, episode: Any, make_asset: Any, make_shot: Any, revise: Any, no_new_events: Any,
) -> None:
    # given: both assets' v1 are pinned or pinnable, then retired
    from assets.services import asset_version_retire
    from episodes.errors import UnusablePin

    mara, coat = make_asset("Mara"), make_asset("Sea coat", "costume")
    shot = make_shot(episode, (mara, 1))
    for asset in (mara, coat):
        asset_version_retire(actor=admin_user, asset_id=str(asset.id), number=1)
    # when
    kept = revise(shot, cast=[{"asset": str(mara.id), "version": 1, "role": "lead"}])
    # then
    assert kept.cast == [{"asset": str(mara.id), "version": 1, "role": "lead"}]
    with no_new_events(), pytest.raises(UnusablePin):
        revise(shot, cast=[{"asset": str(mara.id), "version": 1}, {"asset": str(coat.id), "version": 1}])


@pytest.fixture
def refusal_catalog(admin_user: Any, make_asset: Any, new_version: Any, make_user: Any) -> dict[str, Any]:
    """Versions in every unusable state, and another studio's asset and model."""
    from assets.services import (
        asset_create,
        asset_version_reject,
        asset_version_retire,
        asset_version_submit,
    )
    from generation.services.registry import model_register
    from studios.services import studio_create

    mara = make_asset("Mara")
    rejected = new_version(mara)
    asset_version_submit(actor=admin_user, asset_id=str(mara.id), number=rejected)
    asset_version_reject(actor=admin_user, asset_id=str(mara.id), number=rejected)
    retired = new_version(mara)
    asset_version_retire(actor=admin_user, asset_id=str(mara.id), number=retired)
    draft_only = make_asset("Sketch", approve=False)
    rival = make_user("rival")
    other = studio_create(actor=rival, name="Rival Pictures")
    foreign = asset_create(actor=rival, studio_id=str(other.id), kind="character", name="Spy",
                           attributes={"description": "not ours"})
    foreign_model = model_register(actor=rival, studio_id=str(other.id), name="previz", backend="previz")
    return {"mara": str(mara.id), "rejected": rejected, "retired": retired, "draft_only": str(draft_only.id),
            "foreign": str(foreign.id), "foreign_model": str(foreign_model.id)}


REFUSALS = [
    # (case, cast builder, overrides, status, error code)
    ("unknown asset", lambda c: [{"asset": "9b0c3a1e-0000-4000-8000-000000000000", "version": 1}], {}, 400,
     "invalid_pin"),
    ("unknown version", lambda c: [{"asset": c["mara"], "version": 9}], {}, 400, "invalid_pin"),
    ("version zero", lambda c: [{"asset": c["mara"], "version": 0}], {}, 400, "invalid_pin"),
    ("symbolic typo", lambda c: [{"asset": c["mara"], "version": "newest"}], {}, 400, "invalid_pin"),
    ("another studio's asset", lambda c: [{"asset": c["foreign"], "version": 1}], {}, 400, "invalid_pin"),
    ("cast twice", lambda c: [{"asset": c["mara"], "version": 1}] * 2, {}, 400, "invalid_pin"),
    ("rejected version", lambda c: [{"asset": c["mara"], "version": c["rejected"]}], {}, 422, "unusable_pin"),
    ("retired version", lambda c: [{"asset": c["mara"], "version": c["retired"]}], {}, 422, "unusable_pin"),
    ("latest is retired", lambda c: [{"asset": c["mara"], "version": "latest"}], {}, 422, "unusable_pin"),
    ("no approved version", lambda c: [{"asset": c["draft_only"], "version": "approved"}], {}, 422, "unusable_pin"),
    ("unknown model", lambda c: [], {"model": "9b0c3a1e-0000-4000-8000-000000000000"}, 400, "unknown_model"),
    ("another studio's model", lambda c: [], {"model": "FOREIGN"}, 400, "unknown_model"),
    ("width not a multiple of 8", lambda c: [], {"width": 500}, 400, "invalid_shot"),
    ("height too large", lambda c: [], {"height": 4096}, 400, "invalid_shot"),
    ("too many steps", lambda c: [], {"steps": 151}, 400, "invalid_shot"),
    ("negative seed", lambda c: [], {"seed": -1}, 400, "invalid_shot"),
    ("guidance too high", lambda c: [], {"guidance": 31}, 400, "invalid_shot"),
    ("empty prompt", lambda c: [], {"prompt": ""}, 400, "invalid_shot"),
    ("cast not a list", lambda c: {"asset": c["mara"]}, {}, 400, "invalid_pin"),
]


@pytest.mark.parametrize(("case", "cast", "overrides", "status", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_shot_is_refused_with_a_clear_message_and_nothing_appended(
    api: Any, episode: Any, previz: Any, refusal_catalog: dict, no_new_events: Any,
    case: str, cast: Any, overrides: dict, status: int, code: str,
) -> None:
    # given
    if overrides.get("model") == "FOREIGN":
        overrides = {**overrides, "model": refusal_catalog["foreign_model"]}
    body = _body(previz, cast(refusal_catalog), **overrides)
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/shots/", body, format="json")
    # then
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert Shot.objects.count() == 0


@pytest.mark.parametrize(("case", "cast", "overrides", "status", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_revision_is_refused_the_same_way(
    api: Any, episode: Any, previz: Any, refusal_catalog: dict, no_new_events: Any,
    case: str, cast: Any, overrides: dict, status: int, code: str,
) -> None:
    # given
    shot = api.post(f"/api/episodes/{episode.id}/shots/", _body(previz, []), format="json").json()
    if overrides.get("model") == "FOREIGN":
        overrides = {**overrides, "model": refusal_catalog["foreign_model"]}
    changes = {"cast": cast(refusal_catalog), **overrides} if cast(refusal_catalog) else overrides
    # when
    with no_new_events():
        response = api.post(f"/api/shots/{shot['id']}/revisions/", {"expected_revision": 1, **changes}, format="json")
    # then
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert Shot.objects.get(pk=shot["id"]).revision == 1


def test_a_viewer_may_read_shots_but_not_add_them(
    client_for: Any, member: Any, episode: Any, previz: Any, no_new_events: Any,
) -> None:
    # given
    viewer = client_for(member("vic", "viewer"))
    # when
    with no_new_events():
        response = viewer.post(f"/api/episodes/{episode.id}/shots/", _body(previz, []), format="json")
    # then
    assert response.status_code == 403


def test_the_episode_read_models_equal_a_rebuild_from_the_log(
    episode: Any, make_asset: Any, new_version: Any, make_shot: Any, revise: Any, admin_user: Any,
    rebuilt_equals_live: Any,
) -> None:
    # given
    from episodes.services import cut_lock

    mara, coat = make_asset("Mara"), make_asset("Sea coat", "costume")
    shot = make_shot(episode, (mara, 1), (coat, 1))
    make_shot(episode, (coat, 1))
    revise(shot, cast=[{"asset": str(mara.id), "version": new_version(mara)}], title="retake")
    cut_lock(actor=admin_user, episode_id=str(episode.id))
    revise(shot, seed=99)
    # then
    rebuilt_equals_live()


def test_a_shot_may_ask_for_a_clip_and_a_revision_keeps_or_changes_its_frames(
    api: Any, episode: Any, previz: Any, make_asset: Any,
) -> None:
    # given
    mara = make_asset("Mara")
    cast = [{"asset": str(mara.id), "version": 1}]
    still = api.post(f"/api/episodes/{episode.id}/shots/", _body(previz, cast), format="json").json()
    clip = api.post(f"/api/episodes/{episode.id}/shots/", _body(previz, cast, frames=48, fps=12),
                    format="json").json()
    # when
    revised = api.post(f"/api/shots/{clip['id']}/revisions/", {"expected_revision": 1, "frames": 24},
                       format="json")
    # then
    assert revised.status_code == 201, revised.json()
    assert (revised.json()["frames"], revised.json()["fps"]) == (24, 12)
    shown = api.get(f"/api/shots/{still['id']}/").json()
    assert (shown["frames"], shown["fps"]) == (1, 24)
    assert ShotRevision.objects.get(pk=f"{clip['id']}:2").frames == 24
    assert eventlog.load_stream(f"shot-{clip['id']}")[-1].payload.changed == ["frames"]


def test_a_shot_revision_recorded_before_clips_existed_reads_as_a_still(previz: Any, make_asset: Any,
                                                                          episode: Any) -> None:
    # given a ShotCreated of the earlier shape: its content has no frames and no fps
    import uuid

    from episodes.events import ShotCreated, shot_stream

    mara = make_asset("Mara")
    shot_id = str(uuid.uuid4())
    content = {"order": 1, "title": "", "description": "", "prompt": "Mara", "negative_prompt": "", "camera": "",
               "duration": None, "seed": 1, "width": 64, "height": 64, "steps": 1, "guidance": 7.5,
               "model": str(previz.id), "cast": [{"asset": str(mara.id), "version": 1, "role": ""}]}
    event = ShotCreated(shot_id=shot_id, episode_id=str(episode.id), studio_id=str(episode.studio_id), revision=1,
                        content=content, author="ada")
    # when
    eventlog.append(shot_stream(shot_id), [event], expected_version=0, studio_id=str(episode.studio_id))
    # then
    revision = ShotRevision.objects.get(pk=f"{shot_id}:1")
    assert (revision.frames, revision.fps) == (1, 24)
    from eventlog.projections import replay_check

    assert replay_check(["episodes"]) is None
