from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

import eventlog
from episodes.models import Cut

pytestmark = pytest.mark.django_db


def _expected_hash(revisions: list[dict[str, Any]]) -> str:
    text = json.dumps(revisions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_locking_an_episode_records_its_ordered_shot_revisions_and_their_content_hash(
    api: Any, episode: Any, make_asset: Any, make_shot: Any, revise: Any, previz: Any,
) -> None:
    # given
    mara, coat = make_asset("Mara"), make_asset("Sea coat", "costume")
    late = make_shot(episode, (mara, 1), order=2)
    early = make_shot(episode, (mara, 1), (coat, 1), order=1, title="open")
    revise(late, prompt="Mara boards")
    # when
    response = api.post(f"/api/episodes/{episode.id}/lock/")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    common = {"description": "", "negative_prompt": "", "camera": "", "duration": None, "seed": 7, "width": 64,
              "height": 64, "steps": 4, "guidance": 7.5, "model": str(previz.id)}
    expected = [
        {"shot": str(early.id), "revision": 1, "order": 1, "title": "open", "prompt": "Mara walks the harbour at dawn",
         "cast": [{"asset": str(mara.id), "version": 1, "role": ""}, {"asset": str(coat.id), "version": 1, "role": ""}],
         **common},
        {"shot": str(late.id), "revision": 2, "order": 2, "title": "", "prompt": "Mara boards",
         "cast": [{"asset": str(mara.id), "version": 1, "role": ""}], **common},
    ]
    assert body["hash"] == _expected_hash(expected)
    assert body["shots"] == [{"shot": str(early.id), "revision": 1}, {"shot": str(late.id), "revision": 2}]
    assert body["number"] == 1 and body["cut"] == body["id"]
    # A still's frames and fps are shown but stay out of the hash: cuts locked before clips hash alike.
    assert api.get(f"/api/cuts/{body['cut']}/").json()["revisions"] == [{**r, "frames": 1, "fps": 24} for r in expected]


def test_later_shot_revisions_never_change_an_existing_cut(
    api: Any, episode: Any, make_asset: Any, new_version: Any, make_shot: Any, revise: Any,
) -> None:
    # given
    mara = make_asset("Mara")
    shot = make_shot(episode, (mara, 1))
    first = api.post(f"/api/episodes/{episode.id}/lock/").json()
    before = api.get(f"/api/cuts/{first['cut']}/").json()
    # when
    revise(shot, cast=[{"asset": str(mara.id), "version": new_version(mara)}], prompt="Mara, older")
    make_shot(episode, (mara, 1))
    second = api.post(f"/api/episodes/{episode.id}/lock/").json()
    # then
    after = api.get(f"/api/cuts/{first['cut']}/").json()
    assert after == before
    assert after["hash"] == first["hash"]
    assert after["revisions"][0]["cast"] == [{"asset": str(mara.id), "version": 1, "role": ""}]
    assert second["number"] == 2 and second["hash"] != first["hash"] and len(second["shots"]) == 2
    assert [c["number"] for c in api.get(f"/api/episodes/{episode.id}/").json()["cuts"]] == [2, 1]
    assert [e.type for e in eventlog.load_stream(f"episode-{episode.id}")] == ["CutLocked", "CutLocked"]


def test_locking_twice_without_changes_gives_the_same_hash(
    api: Any, episode: Any, make_asset: Any, make_shot: Any,
) -> None:
    # given
    make_shot(episode, (make_asset("Mara"), 1))
    # when
    first = api.post(f"/api/episodes/{episode.id}/lock/").json()
    second = api.post(f"/api/episodes/{episode.id}/lock/").json()
    # then
    assert (first["number"], second["number"]) == (1, 2)
    assert first["hash"] == second["hash"]


def test_an_episode_without_shots_can_not_be_locked(api: Any, episode: Any, no_new_events: Any) -> None:
    # when
    with no_new_events():
        response = api.post(f"/api/episodes/{episode.id}/lock/")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "empty_episode"
    assert Cut.objects.count() == 0


def test_a_viewer_can_not_lock_and_an_outsider_can_not_see_the_cut(
    api: Any, client_for: Any, member: Any, make_user: Any, episode: Any, make_asset: Any, make_shot: Any,
    no_new_events: Any,
) -> None:
    # given
    make_shot(episode, (make_asset("Mara"), 1))
    cut = api.post(f"/api/episodes/{episode.id}/lock/").json()
    viewer, outsider = client_for(member("vic", "viewer")), client_for(make_user("olga"))
    # when
    with no_new_events():
        refused = viewer.post(f"/api/episodes/{episode.id}/lock/")
        hidden = outsider.get(f"/api/cuts/{cut['cut']}/")
    # then
    assert refused.status_code == 403
    assert hidden.status_code == 404
