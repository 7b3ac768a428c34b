"""Cut approval use cases.

An approval binds the cut's content hash, each shot's exact pins and the render current for each
shot revision. It is appended together with a guard on every shot stream of the cut (a shot's
stream version is its current revision), so a revision that lands while the approval is checked
makes the approval fail instead of being recorded current for content that has moved on.
"""

from __future__ import annotations

import uuid
from typing import Any

import eventlog
from assets.models import Asset
from config.errors import InvalidInput
from config.types import Actor
from episodes.events import shot_stream
from episodes.models import Cut, Shot, ShotRevision
from eventlog import ConcurrencyError, StreamWrite
from reviews.errors import CutNotRendered, CutOutdated
from reviews.events import CutApproved, approval_stream
from reviews.models import CutApproval, LatestRender
from studios.access import authorize, get_or_404

MAX_COMMENT = 2000


def cut_approve(*, actor: Actor, cut_id: str, comment: str = "") -> CutApproval:
    """Approve a locked cut whose shots are all at the cut's revisions and all rendered (422 otherwise)."""
    cut = get_or_404(Cut, cut_id)
    studio_id = str(cut.studio_id)
    authorize(actor, studio_id, "cut.approve")
    comment = _comment(comment)
    pairs = [(str(item["shot"]), int(item["revision"])) for item in cut.shots]
    _refuse_outdated(pairs)
    renders = _renders(pairs)
    approval_id = str(uuid.uuid4())
    event = CutApproved(
        approval_id=approval_id, cut_id=str(cut.id), episode_id=str(cut.episode_id), studio_id=studio_id,
        cut_number=cut.number, cut_hash=cut.hash, shots=_shots(pairs), renders=renders, comment=comment,
        approved_by=actor.username)
    guards = [StreamWrite(shot_stream(shot), [], expected_version=revision) for shot, revision in pairs]
    try:
        eventlog.append_streams([StreamWrite(approval_stream(approval_id), [event], expected_version=0), *guards],
                                actor=actor, studio_id=studio_id)
    except ConcurrencyError:
        _refuse_outdated(pairs)
        raise CutOutdated("A shot of the cut was revised while it was approved: look again.",
                          extra={"shots": []}) from None
    return CutApproval.objects.get(pk=approval_id)


def _refuse_outdated(pairs: list[tuple[str, int]]) -> None:
    current = {str(pk): revision for pk, revision in
               Shot.objects.filter(pk__in=[shot for shot, _ in pairs]).values_list("id", "revision")}
    moved = [{"shot": shot, "revision": revision, "current_revision": current.get(shot)}
             for shot, revision in pairs if current.get(shot) != revision]
    if moved:
        first = moved[0]
        raise CutOutdated(
            f"Shot {first['shot']} is at revision {first['current_revision']}, not the cut's {first['revision']}: "
            "lock a new cut and approve that.", extra={"shots": moved})


def _renders(pairs: list[tuple[str, int]]) -> dict[str, dict[str, str]]:
    """Return the latest render of each shot revision (the projection's own index), refusing unrendered ones."""
    keys = [f"{shot}:{revision}" for shot, revision in pairs]
    latest = LatestRender.objects.in_bulk(keys)
    missing = [{"shot": shot, "revision": revision} for shot, revision in pairs if f"{shot}:{revision}" not in latest]
    if missing:
        raise CutNotRendered(f"{len(missing)} of the cut's {len(pairs)} shots have no succeeded render yet.",
                             extra={"missing": missing})
    return {key: {"render": latest[key].render_id, "image_sha256": latest[key].image_sha256} for key in keys}


def _shots(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Return each shot revision with its exact pins and the pinned assets' names (for stale reasons)."""
    revisions = ShotRevision.objects.in_bulk([f"{shot}:{revision}" for shot, revision in pairs])
    casts = {key: revision.cast for key, revision in revisions.items()}
    assets = Asset.objects.filter(pk__in={pin["asset"] for cast in casts.values() for pin in cast})
    names = {str(pk): name for pk, name in assets.values_list("id", "name")}
    return [{"shot": shot, "revision": revision,
             "cast": [{"asset": pin["asset"], "name": names.get(str(pin["asset"]), str(pin["asset"])),
                       "version": pin["version"]} for pin in casts[f"{shot}:{revision}"]]}
            for shot, revision in pairs]


def _comment(comment: Any) -> str:
    if comment is None:
        return ""
    if not isinstance(comment, str) or len(comment.strip()) > MAX_COMMENT:
        raise InvalidInput(f"comment must be text of at most {MAX_COMMENT} characters.",
                           fields={"comment": [f"At most {MAX_COMMENT} characters."]})
    return comment.strip()

