"""Scores of renders against their pinned versions: verdicts, the off-model render, idempotence, the API field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eventlog
from consistency.services import render_score


def test_a_render_of_mei_is_scored_on_model_against_her_pinned_version(
    episode_of: Callable[..., Any], render_episode: Callable[[Any], list[str]], cast: dict[str, Any],
) -> None:
    # given
    (render_id,) = render_episode(episode_of(["mei"]))
    before = eventlog.head_position()
    # when
    score = render_score(render_id=render_id)
    # then
    assert score is not None and score.status == "scored"
    by_asset = {entry["asset"]: entry for entry in score.cast}
    mei = by_asset[str(cast["mei"].id)]
    assert mei["verdict"] == "on_model"
    assert mei["floor"] < mei["score"] < mei["baseline"]
    assert [e.type for e in eventlog.read_after(before)] == ["RenderScored"]


def test_a_shot_cast_with_mei_but_rendered_from_ines_references_is_off_model(
    studio: Any, admin_user: Any, episode_of: Callable[..., Any], cast: dict[str, Any],
) -> None:
    # given: Mei's shot, whose manifest draws Captain Ines's reference instead of Mei's
    from generation.manifests import manifest_hash
    from generation.models import Job
    from generation.services import job_item_run
    from generation.services.jobs import current_revisions, job_queue, render_items

    episode = episode_of(["mei"])
    (item,) = render_items(current_revisions(str(episode.id)), studio_id=str(studio.id))
    ines_reference = cast["ines"].versions.get(number=1).references[0]
    manifest = item["manifest"]
    for reference in manifest["request"]["references"]:
        if reference["kind"] == "character":
            reference.update(name="Captain Ines", sha256=ines_reference)
    item["manifest_hash"] = manifest_hash(manifest)
    job = job_queue(actor=admin_user, studio_id=str(studio.id), kind="render", items=[item],
                    episode_id=str(episode.id))
    job_item_run(job_id=str(job.id), index=0)
    (render_id,) = Job.objects.get(pk=job.id).renders
    # when
    score = render_score(render_id=render_id)
    # then
    assert score is not None
    mei = next(entry for entry in score.cast if entry["asset"] == str(cast["mei"].id))
    assert mei["verdict"] == "off_model"


def test_scoring_a_render_twice_with_the_same_embedder_appends_nothing(
    episode_of: Callable[..., Any], render_episode: Callable[[Any], list[str]],
) -> None:
    # given
    (render_id,) = render_episode(episode_of(["ines"]))
    first = render_score(render_id=render_id)
    before = eventlog.head_position()
    # when
    again = render_score(render_id=render_id)
    # then
    assert again is not None and first is not None and again.pk == first.pk
    assert eventlog.head_position() == before


def test_the_render_api_shows_pending_then_the_scores(
    api: Any, episode_of: Callable[..., Any], render_episode: Callable[[Any], list[str]], cast: dict[str, Any],
    rebuilt_equals_live: Callable[[], None],
) -> None:
    # given
    (render_id,) = render_episode(episode_of(["mei"]))
    pending = api.get(f"/api/renders/{render_id}/").json()["consistency"]
    # when
    render_score(render_id=render_id)
    body = api.get(f"/api/renders/{render_id}/").json()["consistency"]
    # then
    assert pending == {"status": "pending", "embedder": None, "cast": []}
    assert body["status"] == "scored"
    assert body["embedder"]["name"] == "efficientnet-lite0@160"
    assert len(body["embedder"]["fingerprint"]) == 64
    assert {(c["asset"], c["version"]) for c in body["cast"]} == {(str(cast["mei"].id), 1),
                                                                  (str(cast["harbour"].id), 1)}
    assert set(body["cast"][0]) >= {"asset", "version", "score", "baseline", "verdict"}
    rebuilt_equals_live()
