"""Reads of series, episodes, shots, revisions and cuts (read models only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from assets.models import Asset, AssetVersion
from config.errors import NotFound
from config.types import Actor
from episodes.cuts import revision_content
from episodes.models import Cut, Episode, Series, Shot, ShotRevision
from studios.access import VIEW, authorize, get_or_404, visible_studio_ids


def series_list(*, user: Actor, studio_id: str | None = None) -> QuerySet[Series]:
    """Return the series of the user's studios (optionally of one)."""
    if studio_id is not None:
        authorize(user, studio_id, VIEW)
        return Series.objects.filter(studio_id=studio_id).order_by("title", "id")
    return Series.objects.filter(studio_id__in=visible_studio_ids(user)).order_by("title", "id")


def series_get(*, user: Actor, series_id: Any) -> Series:
    """Return a series the user may see."""
    series = get_or_404(Series, series_id)
    authorize(user, series.studio_id, VIEW)
    return series


def episode_list(*, user: Actor, series_id: Any) -> QuerySet[Episode]:
    """Return a series' episodes in number order."""
    series = series_get(user=user, series_id=series_id)
    return Episode.objects.filter(series_id=series.id).order_by("number")


def episode_get(*, user: Actor, episode_id: Any) -> Episode:
    """Return an episode the user may see."""
    episode = get_or_404(Episode, episode_id)
    authorize(user, episode.studio_id, VIEW)
    return episode


def episode_shots(*, episode: Episode) -> list[dict[str, Any]]:
    """Return the episode's shots in order, each with its current revision's content and cast."""
    shots = list(Shot.objects.filter(episode_id=episode.id).order_by("order", "created_at", "id"))
    revisions = ShotRevision.objects.in_bulk([f"{s.id}:{s.revision}" for s in shots])
    names = _cast_details([revisions[f"{s.id}:{s.revision}"] for s in shots])
    return [shot_body(s, revisions[f"{s.id}:{s.revision}"], names) for s in shots]


def episode_cuts(*, episode: Episode) -> QuerySet[Cut]:
    """Return the episode's cuts, newest first."""
    return Cut.objects.filter(episode_id=episode.id).order_by("-number")


def shot_get(*, user: Actor, shot_id: Any) -> tuple[Shot, ShotRevision]:
    """Return a shot the user may see and its current revision."""
    shot = get_or_404(Shot, shot_id)
    authorize(user, shot.studio_id, VIEW)
    return shot, ShotRevision.objects.get(pk=f"{shot.id}:{shot.revision}")


def shot_revisions(*, user: Actor, shot_id: Any) -> list[ShotRevision]:
    """Return every revision of a shot, oldest first."""
    shot, _current = shot_get(user=user, shot_id=shot_id)
    return list(ShotRevision.objects.filter(shot_id=shot.id).order_by("revision"))


def shot_revision_get(*, user: Actor, shot_id: Any, revision: int) -> ShotRevision:
    """Return one revision of a shot."""
    shot, _current = shot_get(user=user, shot_id=shot_id)
    found = ShotRevision.objects.filter(pk=f"{shot.id}:{revision}").first()
    if found is None:
        raise NotFound(f"Shot {shot.id} has no revision {revision}.")
    return found


def cut_get(*, user: Actor, cut_id: Any) -> tuple[Cut, list[dict[str, Any]]]:
    """Return a cut and the full content of the revisions it locked, in order."""
    cut = get_or_404(Cut, cut_id)
    authorize(user, cut.studio_id, VIEW)
    ids = [f"{item['shot']}:{item['revision']}" for item in cut.shots]
    revisions = ShotRevision.objects.in_bulk(ids)
    return cut, [revision_content(revisions[i]) for i in ids]


def shot_body(shot: Shot, revision: ShotRevision, details: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Shape a shot with its current revision for the API."""
    content = revision_content(revision)
    content.pop("shot")
    details = details if details is not None else _cast_details([revision])
    content["cast"] = [{**pin, **details.get(f"{pin['asset']}:{pin['version']}", {})} for pin in revision.cast]
    return {"id": str(shot.id), "episode": str(shot.episode_id), "studio": str(shot.studio_id), **content,
            "created_at": shot.created_at.isoformat(), "updated_at": shot.updated_at.isoformat(),
            "revised_by": revision.created_by}


def _cast_details(revisions: list[ShotRevision]) -> dict[str, dict[str, Any]]:
    """Return {"<asset>:<n>": {name, kind, status}} for every pin of the revisions (two queries)."""
    ids = {f"{p['asset']}:{p['version']}" for r in revisions for p in r.cast}
    if not ids:
        return {}
    statuses = dict(AssetVersion.objects.filter(id__in=ids).values_list("id", "status"))
    assets = {str(a["id"]): a for a in Asset.objects.filter(id__in={i.split(":")[0] for i in ids})
              .values("id", "name", "kind")}
    return {i: {"name": assets[i.split(":")[0]]["name"], "kind": assets[i.split(":")[0]]["kind"],
                "status": statuses.get(i)} for i in ids if i.split(":")[0] in assets}

