from __future__ import annotations

from typing import Any

import pytest

import eventlog
from episodes.models import Episode

pytestmark = pytest.mark.django_db


def test_a_series_and_an_episode_with_targets_are_created_through_the_api(api: Any, studio: Any) -> None:
    # given
    series = api.post("/api/series/", {"studio": str(studio.id), "title": "Harbour Lights"}, format="json")
    # when
    response = api.post("/api/episodes/", {
        "series": series.json()["id"], "number": 1, "title": "Pilot",
        "targets": [{"territory": "fr", "media": "SVOD", "release_date": "2026-03-01"},
                    {"territory": "JP", "media": "broadcast", "release_date": "2026-04-01", "language": "ja"}],
    }, format="json")
    # then
    assert series.status_code == 201
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["series"] == series.json()["id"]
    assert body["number"] == 1
    assert body["targets"] == [{"territory": "FR", "media": "svod", "release_date": "2026-03-01"},
                               {"territory": "JP", "media": "broadcast", "release_date": "2026-04-01",
                                "language": "ja"}]
    detail = api.get(f"/api/episodes/{body['id']}/").json()
    assert detail["shots"] == [] and detail["cuts"] == [] and detail["title"] == "Pilot"
    assert [e["number"] for e in api.get(f"/api/series/{series.json()['id']}/").json()["episodes"]] == [1]


@pytest.mark.parametrize(("target", "field"), [
    ({"territory": "XX", "media": "svod", "release_date": "2026-03-01"}, "targets[0].territory"),
    ({"territory": "FRA", "media": "svod", "release_date": "2026-03-01"}, "targets[0].territory"),
    ({"territory": "FR", "media": "cinema-ish", "release_date": "2026-03-01"}, "targets[0].media"),
    ({"territory": "FR", "media": "svod", "release_date": "2026-02-30"}, "targets[0].release_date"),
    ({"territory": "FR", "media": "svod"}, "targets[0].release_date"),
    ({"territory": "FR", "media": "svod", "release_date": "2026-03-01", "language": "xx"}, "targets[0].language"),
])
def test_an_episode_with_a_bad_target_is_refused_and_nothing_is_appended(
    api: Any, studio: Any, no_new_events: Any, target: dict, field: str,
) -> None:
    # given
    series = api.post("/api/series/", {"studio": str(studio.id), "title": "Harbour Lights"}, format="json").json()
    # when
    with no_new_events():
        response = api.post("/api/episodes/", {"series": series["id"], "number": 1, "title": "Pilot",
                                               "targets": [target]}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]


def test_an_episode_number_already_used_in_the_series_is_refused(
    api: Any, episode: Any, no_new_events: Any,
) -> None:
    # when
    with no_new_events():
        response = api.post("/api/episodes/", {"series": str(episode.series_id), "number": 1, "title": "Again"},
                            format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "episode_number_taken"
    assert Episode.objects.filter(series_id=episode.series_id).count() == 1


def test_another_studios_member_gets_404_and_a_viewer_gets_403(
    client_for: Any, make_user: Any, member: Any, studio: Any, episode: Any, no_new_events: Any,
) -> None:
    # given
    outsider = client_for(make_user("olga"))
    viewer = client_for(member("vic", "viewer"))
    # when
    with no_new_events():
        hidden = outsider.get(f"/api/episodes/{episode.id}/")
        refused = viewer.post("/api/series/", {"studio": str(studio.id), "title": "Mine"}, format="json")
        foreign = outsider.post("/api/episodes/", {"series": str(episode.series_id), "number": 2, "title": "X"},
                                format="json")
    # then
    assert hidden.status_code == 404
    assert refused.status_code == 403
    assert foreign.status_code == 404
    assert viewer.get(f"/api/episodes/{episode.id}/").status_code == 200


def test_series_and_episodes_are_appended_to_the_series_stream(episode: Any) -> None:
    # when
    events = eventlog.load_stream(f"series-{episode.series_id}")
    # then
    assert [e.type for e in events] == ["SeriesCreated", "EpisodeCreated"]
    assert events[1].data["episode_id"] == str(episode.id)
