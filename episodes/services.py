"""Series, episode, shot and cut use cases.

Shots are event-sourced and revised, never edited: each revision is appended whole to the shot's
stream with the revision it was based on as the expected version, so a stale edit gets a 409.
Everything is validated before the append: a refused action appends nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import eventlog
from config.errors import InvalidInput
from config.types import Actor
from episodes import casting
from episodes.content import content_clean, content_defaults, content_missing
from episodes.cuts import REVISION_FIELDS, cut_hash, revision_content
from episodes.errors import EmptyEpisode, EpisodeNumberTaken, InvalidShot, StaleRevision
from episodes.events import (
    CutLocked,
    EpisodeCreated,
    SeriesCreated,
    ShotCreated,
    ShotRevised,
    episode_stream,
    series_stream,
    shot_stream,
)
from episodes.models import Cut, Episode, Series, Shot, ShotRevision
from episodes.targets import targets_clean
from eventlog import ConcurrencyError
from studios.access import authorize, get_or_404

MAX_EPISODE_NUMBER = 100_000
_RETRIES = 5


def series_create(*, actor: Actor, studio_id: str, title: str) -> Series:
    """Create a series in a studio."""
    studio_id = str(studio_id)
    authorize(actor, studio_id, "episode.edit")
    series_id = str(uuid.uuid4())
    event = SeriesCreated(series_id=series_id, studio_id=studio_id, title=_title(title))
    eventlog.append(series_stream(series_id), [event], expected_version=0, actor=actor, studio_id=studio_id)
    return Series.objects.get(pk=series_id)


def episode_create(
    *, actor: Actor, series_id: str, number: int, title: str, targets: Sequence[dict] = ()
) -> Episode:
    """Add an episode with a number unique in its series and its distribution targets."""
    series = get_or_404(Series, series_id)
    authorize(actor, series.studio_id, "episode.edit")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_EPISODE_NUMBER:
        raise InvalidInput(f"number must be an integer from 1 to {MAX_EPISODE_NUMBER}.",
                           fields={"number": [f"From 1 to {MAX_EPISODE_NUMBER}."]})
    event = EpisodeCreated(episode_id=str(uuid.uuid4()), series_id=str(series.id), studio_id=str(series.studio_id),
                           number=number, title=_title(title), targets=targets_clean(list(targets)))
    for _attempt in range(_RETRIES):
        # The series' stream version guards the number: a concurrent episode creation makes us re-check.
        version = eventlog.stream_version(series_stream(event.series_id))
        if Episode.objects.filter(series_id=series.id, number=number).exists():
            raise EpisodeNumberTaken(f"Episode {number} already exists in this series.",
                                     fields={"number": ["Already used in this series."]})
        try:
            eventlog.append(series_stream(event.series_id), [event], expected_version=version, actor=actor,
                            studio_id=event.studio_id)
        except ConcurrencyError:
            continue
        return Episode.objects.get(pk=event.episode_id)
    raise EpisodeNumberTaken("The series changed while the episode was added: try again.", fields={})


def shot_create(
    *, actor: Actor, episode_id: str, prompt: str, cast: list[dict], seed: int, width: int, height: int, steps: int,
    model: str, order: int | None = None, title: str = "", description: str = "", negative_prompt: str = "",
    camera: str = "", duration: float | None = None, guidance: float | None = None, frames: int | None = None,
    fps: int | None = None,
) -> Shot:
    """Add a shot to an episode as revision 1, every pin resolved to an exact version."""
    episode = get_or_404(Episode, episode_id)
    studio_id = str(episode.studio_id)
    authorize(actor, studio_id, "shot.edit")
    values = {"prompt": prompt, "cast": cast, "seed": seed, "width": width, "height": height, "steps": steps,
              "model": model, "title": title, "description": description, "negative_prompt": negative_prompt,
              "camera": camera, "duration": duration, "guidance": guidance, "order": order, "frames": frames,
              "fps": fps}
    content_missing(values)
    content = content_defaults({k: v for k, v in content_clean(_given(values)).items() if v is not None})
    content["cast"] = casting.cast_resolve(studio_id, cast)
    content["model"] = casting.model_check(studio_id, content["model"])
    content["order"] = order if order is not None else _next_order(episode.id)
    shot_id = str(uuid.uuid4())
    event = ShotCreated(shot_id=shot_id, episode_id=str(episode.id), studio_id=studio_id, revision=1,
                        content=_ordered(content), author=actor.username)
    eventlog.append(shot_stream(shot_id), [event], expected_version=0, actor=actor, studio_id=studio_id)
    return Shot.objects.get(pk=shot_id)


def shot_revise(*, actor: Actor, shot_id: str, expected_revision: int, changes: dict[str, Any]) -> ShotRevision:
    """Append a new revision of a shot: the current one with `changes` applied (409 when stale)."""
    shot = get_or_404(Shot, shot_id)
    studio_id = str(shot.studio_id)
    authorize(actor, studio_id, "shot.edit")
    if expected_revision != shot.revision:
        raise StaleRevision(str(shot.id), expected_revision, shot.revision)
    previous = revision_content(ShotRevision.objects.get(pk=f"{shot.id}:{shot.revision}"))
    cleaned = content_clean(changes)
    if "prompt" in cleaned and not cleaned["prompt"].strip():
        raise InvalidShot("prompt: Must not be empty.", fields={"prompt": ["Must not be empty."]})
    if changes.get("cast") is not None:
        kept = frozenset((pin["asset"], pin["version"]) for pin in previous["cast"])
        cleaned["cast"] = casting.cast_resolve(studio_id, changes["cast"], kept)
    if "model" in cleaned:
        casting.model_check(studio_id, cleaned["model"])
    content = {name: cleaned.get(name, previous[name]) for name in REVISION_FIELDS}
    changed = [name for name in REVISION_FIELDS if content[name] != previous[name]]
    if not changed:
        raise InvalidShot("The revision changes nothing.", fields={"non_field_errors": ["Nothing changed."]})
    event = ShotRevised(shot_id=str(shot.id), episode_id=str(shot.episode_id), studio_id=studio_id,
                        revision=shot.revision + 1, content=content, changed=changed, author=actor.username)
    try:
        eventlog.append(shot_stream(str(shot.id)), [event], expected_version=expected_revision, actor=actor,
                        studio_id=studio_id)
    except ConcurrencyError as exc:
        raise StaleRevision(str(shot.id), expected_revision, exc.current) from None
    return ShotRevision.objects.get(pk=f"{shot.id}:{event.revision}")


def cut_lock(*, actor: Actor, episode_id: str) -> Cut:
    """Lock the episode's current shot revisions, in order, into an immutable numbered cut."""
    episode = get_or_404(Episode, episode_id)
    studio_id = str(episode.studio_id)
    authorize(actor, studio_id, "cut.lock")
    stream = episode_stream(str(episode.id))
    version = eventlog.stream_version(stream)
    revisions = _current_revisions(episode.id)
    if not revisions:
        raise EmptyEpisode("An episode without shots can not be locked.", extra={"episode": str(episode.id)})
    event = CutLocked(cut_id=str(uuid.uuid4()), episode_id=str(episode.id), studio_id=studio_id, number=version + 1,
                      hash=cut_hash(revisions), shots=[{"shot": str(r.shot_id), "revision": r.revision}
                                                       for r in revisions], author=actor.username)
    eventlog.append(stream, [event], expected_version=version, actor=actor, studio_id=studio_id)
    return Cut.objects.get(pk=event.cut_id)


def _current_revisions(episode_id: Any) -> list[ShotRevision]:
    shots = Shot.objects.filter(episode_id=episode_id).order_by("order", "created_at", "id")
    ids = [f"{s.id}:{s.revision}" for s in shots]
    by_id = ShotRevision.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def _next_order(episode_id: Any) -> int:
    last = Shot.objects.filter(episode_id=episode_id).order_by("-order").values_list("order", flat=True).first()
    return 1 if last is None else last + 1


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None or k == "duration"}


def _ordered(content: dict[str, Any]) -> dict[str, Any]:
    return {name: content[name] for name in REVISION_FIELDS}


def _title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > 200:
        raise InvalidInput("title must be 1 to 200 characters.", fields={"title": ["1 to 200 characters."]})
    return title.strip()

