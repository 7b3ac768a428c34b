"""Reads: a render's consistency, episode and series reports per character (from read models only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F

from config.types import Actor
from consistency.models import RenderScore
from episodes.models import Episode, Series, ShotRevision
from generation.models import Render
from studios.access import get_visible

VERDICTS = ("on_model", "drifting", "off_model")


def latest_score(render_id: str) -> RenderScore | None:
    """Return the render's latest score (scored or failed), if any."""
    return RenderScore.objects.filter(render_id=str(render_id)).order_by("-position").first()


def latest_scores(render_ids: Iterable[Any]) -> dict[str, RenderScore]:
    """Return {render id: its latest score} for these renders (one query; unscored renders are absent)."""
    found: dict[str, RenderScore] = {}
    for score in RenderScore.objects.filter(render_id__in={str(r) for r in render_ids}).order_by("position"):
        found[str(score.render_id)] = score
    return found


def score_characters(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the scored cast entries the verdict reads: the characters, as in the reports (else the whole cast)."""
    return [e for e in body["cast"] if e["kind"] == "character"] or list(body["cast"])


def score_verdict(body: dict[str, Any]) -> str:
    """Return a render's one-word verdict: its characters' worst once scored, else its status (pending, failed)."""
    if body["status"] != "scored":
        return str(body["status"])
    verdicts = {entry["verdict"] for entry in score_characters(body)}
    return next((v for v in reversed(VERDICTS) if v in verdicts), "on_model")


def score_body(score: RenderScore | None) -> dict[str, Any]:
    """Return the `consistency` field of a render's API body."""
    if score is None:
        return {"status": "pending", "embedder": None, "cast": []}
    if score.status == "failed":
        return {"status": "failed", "embedder": {"name": score.embedder_name, "fingerprint": None}, "cast": [],
                "error": score.error}
    embedder = {"name": score.embedder_name, "fingerprint": score.embedder_fingerprint}
    body: dict[str, Any] = {"status": "scored", "embedder": embedder, "cast": score.cast,
                            "scored_at": score.scored_at.isoformat()}
    if score.temporal is not None:  # a clip's; a still's body stays as it was
        body["temporal"] = score.temporal
    return body


def render_consistency_body(render: Render) -> dict[str, Any]:
    """Return the fields this app adds to a render's API body."""
    return {"consistency": score_body(latest_score(str(render.id)))}


def episode_report(*, user: Actor, episode_id: str) -> dict[str, Any]:
    """Return per character: shots, mean, min, worst shot and verdict counts over the episode's current shots."""
    episode = get_visible(Episode, episode_id, user)
    return _report(_scored_shots([episode]))


def episode_worst_shots(*, user: Actor, episode_id: str) -> list[dict[str, Any]]:
    """Return the episode's scored (shot, character) rows, the furthest below its baseline first."""
    episode = get_visible(Episode, episode_id, user)
    return sorted(_scored_shots([episode]), key=lambda row: (row["relative"], row["shot"]))


def series_report(*, user: Actor, series_id: str) -> dict[str, Any]:
    """Return the series-wide report per character, with each character's mean per episode (the drift trend)."""
    series = get_visible(Series, series_id, user)
    episodes = list(Episode.objects.filter(series_id=series.id).order_by("number"))
    shots = _scored_shots(episodes)
    report = _report(shots)
    for character in report["characters"]:
        trend: list[dict[str, Any]] = []
        for episode in episodes:
            mine = [s for s in shots if s["episode"] == str(episode.id) and s["asset"] == character["asset"]]
            if mine:
                trend.append({"episode": str(episode.id), "number": episode.number, "shots": len(mine),
                              "mean": _round(sum(s["score"] for s in mine) / len(mine))})
        character["episodes"] = trend
        character["drift"] = _round(trend[-1]["mean"] - trend[0]["mean"]) if len(trend) > 1 else 0.0
    return report


def _scored_shots(episodes: Iterable[Episode]) -> list[dict[str, Any]]:
    """Return one row per (current shot revision, character) with its latest render's latest score (three queries)."""
    by_id = {str(e.id): e for e in episodes}
    revisions = list(ShotRevision.objects.filter(shot__episode_id__in=list(by_id), revision=F("shot__revision"))
                     .select_related("shot").order_by("shot__order", "shot_id"))
    wanted = {f"{r.shot_id}:{r.revision}" for r in revisions}
    latest: dict[str, Render] = {}
    for render in (Render.objects.filter(shot_id__in={str(r.shot_id) for r in revisions})
                   .order_by("-created_at", "id")):
        key = f"{render.shot_id}:{render.shot_revision}"
        if key in wanted:
            latest.setdefault(key, render)
    scores = latest_scores(r.id for r in latest.values())
    rows = []
    for revision in revisions:
        found = latest.get(f"{revision.shot_id}:{revision.revision}")
        score = scores.get(str(found.id)) if found is not None else None
        if found is None or score is None or score.status != "scored":
            continue
        for entry in score.cast:
            if entry["kind"] == "character":
                rows.append({**entry, "episode": str(revision.shot.episode_id), "shot": str(revision.shot_id),
                             "order": revision.order, "title": revision.title,
                             "render": str(found.id), "embedder": score.embedder_name})
    return rows


def _report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    characters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        characters.setdefault(row["asset"], []).append(row)
    found = []
    for asset, mine in characters.items():
        worst = min(mine, key=lambda r: r["relative"])
        verdicts = {name: sum(1 for r in mine if r["verdict"] == name) for name in VERDICTS}
        found.append({"asset": asset, "name": mine[0]["name"], "shots": len(mine),
                      "mean": _round(sum(r["score"] for r in mine) / len(mine)),
                      "min": _round(min(r["score"] for r in mine)),
                      "mean_relative": _round(sum(r["relative"] for r in mine) / len(mine)),
                      "worst_shot": {"shot": worst["shot"], "render": worst["render"], "score": worst["score"],
                                     "relative": worst["relative"], "verdict": worst["verdict"]},
                      "verdicts": verdicts})
    found.sort(key=lambda c: c["mean_relative"])  # the worst-kept characters first
    embedders = sorted({r["embedder"] for r in rows})
    return {"embedder": embedders[0] if len(embedders) == 1 else embedders, "characters": found}


def _round(value: float) -> float:
    return round(float(value), 4)
