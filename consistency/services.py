"""Score renders against their pinned versions, and set a studio's embedder and thresholds.

Scoring reads blobs and runs the embedder before it appends anything: the event log's lock is
never held across model calls. A render is scored at most once per embedder fingerprint (a
redelivered message does nothing); scoring with another embedder appends a new score.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import eventlog
from assets.models import Asset, AssetVersion
from config.errors import InvalidInput
from config.types import Actor
from consistency import vectors
from consistency.embedders import DEFAULT_EMBEDDER, EmbedderUnavailable, ImageEmbedder, image_embedder
from consistency.errors import EmbedderInvalid
from consistency.events import (
    ConsistencySettingsChanged,
    RenderScored,
    RenderScoringFailed,
    scores_stream,
    settings_stream,
)
from consistency.models import ConsistencySettings, RenderScore
from consistency.scoring import Thresholds, baseline, best_match, relative, top_level_cast, verdict
from consistency.temporal import sampled_indices, temporal_consistency
from eventlog import ConcurrencyError
from generation.models import Render
from studios.access import authorize

MAX_ATTEMPTS = 5


def studio_settings(studio_id: str) -> tuple[str, Thresholds]:
    """Return the studio's embedder spec and thresholds (the defaults until it sets its own)."""
    row = ConsistencySettings.objects.filter(pk=str(studio_id)).first()
    if row is None:
        return DEFAULT_EMBEDDER, Thresholds()
    return row.embedder, Thresholds(on_model=row.on_model, drifting=row.drifting, default_floor=row.default_floor)


def consistency_settings_set(
    *, actor: Actor, studio_id: str, embedder: str = DEFAULT_EMBEDDER, on_model: float = Thresholds.on_model,
    drifting: float = Thresholds.drifting, default_floor: float = Thresholds.default_floor,
) -> ConsistencySettings:
    """Choose the studio's embedder and verdict thresholds (refused unless the embedder loads here)."""
    authorize(actor, studio_id, "model.register")
    if not drifting <= on_model:
        raise InvalidInput("drifting must not exceed on_model.", fields={"drifting": ["Must be <= on_model."]})
    try:
        image_embedder(embedder)
    except EmbedderUnavailable as error:
        raise EmbedderInvalid(str(error), fields={"embedder": [str(error)]}) from None
    event = ConsistencySettingsChanged(studio_id=str(studio_id), embedder=embedder, on_model=float(on_model),
                                       drifting=float(drifting), default_floor=float(default_floor),
                                       changed_by=actor.username)
    eventlog.append(settings_stream(str(studio_id)), [event], expected_version=None, actor=actor,
                    studio_id=str(studio_id))
    return ConsistencySettings.objects.get(pk=str(studio_id))


def render_score(*, render_id: str, embedder_spec: str | None = None) -> RenderScore | None:
    """Score a render with the studio's embedder (or the one named); return the score, None if no such render."""
    render = Render.objects.filter(pk=render_id).first()
    if render is None:
        return None
    spec, thresholds = studio_settings(str(render.studio_id))
    spec = embedder_spec or spec
    try:
        embedder = image_embedder(spec)
    except EmbedderUnavailable as error:
        return _record_failure(render, spec, str(error))
    done = _existing(render_id, embedder.fingerprint)
    if done is not None:
        return done
    try:
        frames, temporal = frame_vectors(embedder, render)
        cast = score_cast(embedder, frames, render.manifest.get("cast", []), str(render.studio_id), thresholds)
    except (OSError, ValueError) as error:  # an unreadable blob (missing file, not an image)
        return _record_failure(render, embedder.name, f"{type(error).__name__}: {error}")
    event = RenderScored(
        render_id=str(render.id), studio_id=str(render.studio_id), shot_id=render.shot_id,
        shot_revision=render.shot_revision, embedder={"name": embedder.name, "fingerprint": embedder.fingerprint},
        cast=cast, thresholds={"on_model": thresholds.on_model, "drifting": thresholds.drifting,
                               "default_floor": thresholds.default_floor},
        temporal=temporal)
    return _append(render, event, embedder.fingerprint)


def frame_vectors(embedder: ImageEmbedder, render: Render) -> tuple[list[np.ndarray], dict[str, Any] | None]:
    """Return the window vectors of each frame to score (a still's image; a clip's sampled frames) and, for a
    clip, its temporal consistency over those frames (None for a still)."""
    media = render.media or {}
    if media.get("kind") != "video":
        return [vectors.window_vectors(embedder, render.image_sha256)], None
    indices = sampled_indices(int(media["frames"]))
    frames = vectors.clip_window_vectors(embedder, media["video_sha256"], indices)
    return list(frames), temporal_consistency(frames[:, 0], indices)  # window 0 is the whole frame


def score_cast(embedder: ImageEmbedder, frames: list[np.ndarray], cast: list[dict[str, Any]], studio_id: str,
               thresholds: Thresholds) -> list[dict[str, Any]]:
    """Return, per scorable cast member, its score, baseline, floor, relative score and verdict.

    Each frame is scored as a still is; a clip's score and floor are their means over its sampled frames
    (a single frame: the still's own figures). The mean, not the worst frame, because a pan or a figure
    walking out of shot leaves frames without the character that say nothing about how well it is kept;
    the per-frame scores are recorded beside it so a dip can still be found."""
    # Everyone cast in the shot is meant to be in the frame: only the studio's other assets make the floor.
    in_shot = {entry["asset"] for entry in cast}
    scored = []
    for entry in top_level_cast(cast):
        references = vectors.image_vectors(embedder, entry["references"])
        augmented = vectors.augmented_vectors(embedder, entry["references"][0]) if len(references) == 1 else None
        base = baseline(references, augmented)
        other_vectors = [vectors.image_vectors(embedder, shas)
                         for shas in _other_references(studio_id, entry["kind"], in_shot)]
        per_frame = [best_match(frame, references) for frame in frames]
        floors = [max((best_match(frame, other) for other in other_vectors), default=thresholds.default_floor)
                  for frame in frames]
        score, floor = float(np.mean(per_frame)), float(np.mean(floors))
        rel = relative(score, base, floor)
        result = {"asset": entry["asset"], "version": entry["version"], "name": entry["name"],
                  "kind": entry["kind"], "score": round(score, 4), "baseline": round(base, 4),
                  "floor": round(floor, 4), "relative": round(rel, 4), "verdict": verdict(rel, thresholds)}
        if len(frames) > 1:
            result["frame_scores"] = [round(s, 4) for s in per_frame]
        scored.append(result)
    return scored


def _other_references(studio_id: str, kind: str, in_shot: set[str]) -> list[list[str]]:
    """Return the references of every asset of the kind in the studio that the shot does not cast (its approved
    version, else its latest)."""
    others = Asset.objects.filter(studio_id=studio_id, kind=kind).exclude(pk__in=in_shot)
    keys = [f"{a.id}:{a.approved_version or a.latest_version}" for a in others]
    return [list(v.references) for v in AssetVersion.objects.filter(pk__in=keys) if v.references]


def _existing(render_id: str, fingerprint: str) -> RenderScore | None:
    return RenderScore.objects.filter(render_id=render_id, embedder_fingerprint=fingerprint,
                                      status="scored").order_by("-position").first()


def _append(render: Render, event: Any, fingerprint: str | None) -> RenderScore | None:
    """Append to the render's score stream; on a race, keep the score another worker recorded first."""
    stream = scores_stream(str(render.id))
    for _ in range(MAX_ATTEMPTS):
        if fingerprint is not None:
            done = _existing(str(render.id), fingerprint)
            if done is not None:
                return done
        version = eventlog.stream_version(stream)
        try:
            recorded = eventlog.append(stream, [event], expected_version=version, studio_id=str(render.studio_id))
        except ConcurrencyError:
            continue
        return RenderScore.objects.get(pk=str(recorded[0].position))
    raise ConcurrencyError(stream, -1, -1)


def _record_failure(render: Render, embedder: str, error: str) -> RenderScore | None:
    event = RenderScoringFailed(render_id=str(render.id), studio_id=str(render.studio_id), embedder=embedder,
                                error=error[:2000])
    return _append(render, event, None)

