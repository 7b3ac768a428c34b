"""Clips scored on sampled frames, with their own temporal consistency; stills and old events unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import eventlog
from consistency.scoring import Thresholds, verdict
from consistency.services import render_score
from consistency.temporal import sampled_indices

STILL_KEYS = {"status", "embedder", "cast", "scored_at"}
STILL_CAST_KEYS = {"asset", "version", "name", "kind", "score", "baseline", "floor", "relative", "verdict"}


@pytest.fixture
def clip_of(studio: Any, admin_user: Any, cast: dict[str, Any], previz: Any,
            render_episode: Callable[[Any], list[str]]) -> Callable[..., str]:
    """Return a function rendering one previz clip of Mei on the harbour and returning its render id."""
    from episodes.services import episode_create, series_create, shot_create

    def make(*, frames: int, camera: str) -> str:
        series = series_create(actor=admin_user, studio_id=str(studio.id), title="Harbour Lights")
        episode = episode_create(actor=admin_user, series_id=str(series.id), number=1, title="Ep 1")
        pins = [{"asset": str(cast["mei"].id), "version": 1},
                {"asset": str(cast["harbour"].id), "version": 1, "role": "setting"}]
        shot_create(actor=admin_user, episode_id=str(episode.id), prompt="Mei on the quay", title="1.1", cast=pins,
                    seed=11, width=64, height=64, steps=1, guidance=5.0, model=str(previz.id), frames=frames,
                    fps=12, camera=camera)
        (render_id,) = render_episode(episode)
        return render_id

    return make


def test_frames_are_sampled_evenly_from_first_to_last_and_never_more_than_eight() -> None:
    assert sampled_indices(5) == [0, 1, 2, 3, 4]
    assert sampled_indices(48) == [0, 7, 13, 20, 27, 34, 40, 47]
    assert sampled_indices(10) == [0, 1, 3, 4, 5, 6, 8, 9]


def test_a_static_previz_clip_is_scored_on_its_sampled_frames_and_holds_steady(
    api: Any, clip_of: Callable[..., str], cast: dict[str, Any], rebuilt_equals_live: Callable[[], None],
) -> None:
    # given
    render_id = clip_of(frames=4, camera="static, locked off")  # few frames: each costs a still's windows
    before = eventlog.head_position()
    # when
    score = render_score(render_id=render_id)
    # then
    assert score is not None and score.status == "scored"
    (event,) = eventlog.read_after(before)
    assert event.type == "RenderScored" and event.payload.temporal == score.temporal
    mei = next(entry for entry in score.cast if entry["asset"] == str(cast["mei"].id))
    assert len(mei["frame_scores"]) == 4
    assert mei["score"] == pytest.approx(sum(mei["frame_scores"]) / 4, abs=1e-3)
    # the verdict comes from the mean score with the stills' thresholds (64×64 frames are too small to call)
    assert mei["relative"] == pytest.approx((mei["score"] - mei["floor"]) / (mei["baseline"] - mei["floor"]), abs=1e-3)
    assert mei["verdict"] == verdict(mei["relative"], Thresholds())
    body = api.get(f"/api/renders/{render_id}/").json()["consistency"]
    temporal = body["temporal"]
    assert temporal["frames"] == [0, 1, 2, 3]
    assert temporal["to_first"] > 0.98 and temporal["to_previous"] > 0.98
    assert set(body) == STILL_KEYS | {"temporal"}
    rebuilt_equals_live()


def test_a_camera_move_keeps_less_of_the_first_frame_than_a_held_shot(clip_of: Callable[..., str]) -> None:
    # given
    held, pushed = clip_of(frames=3, camera="hold"), clip_of(frames=3, camera="slow push-in")
    # when
    held_score, pushed_score = render_score(render_id=held), render_score(render_id=pushed)
    # then
    assert held_score is not None and pushed_score is not None
    assert pushed_score.temporal["to_first"] < held_score.temporal["to_first"]
    assert pushed_score.temporal["to_previous"] >= pushed_score.temporal["to_first"]


def test_a_still_keeps_its_consistency_body(
    api: Any, episode_of: Callable[..., Any], render_episode: Callable[[Any], list[str]],
) -> None:
    # given
    (render_id,) = render_episode(episode_of(["mei"]))
    # when
    score = render_score(render_id=render_id)
    # then
    assert score is not None and score.temporal is None
    body = api.get(f"/api/renders/{render_id}/").json()["consistency"]
    assert set(body) == STILL_KEYS
    assert all(set(entry) == STILL_CAST_KEYS for entry in body["cast"])


def test_a_render_scored_event_recorded_before_clips_replays_without_temporal() -> None:
    from eventlog.events import decode_payload

    old = {"render_id": "r", "studio_id": "s", "shot_id": "sh", "shot_revision": 1,
           "embedder": {"name": "e", "fingerprint": "f"}, "cast": [], "thresholds": {"on_model": 0.1}}
    assert decode_payload("RenderScored", 1, old).temporal is None  # type: ignore[attr-defined]
