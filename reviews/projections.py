"""Cut approvals and their staleness, derived from the log alone.

An approval stays `current` until an input it covers changes: a shot of the cut gets a new revision
(ShotRevised), or a shot revision of the cut gets a new render whose image differs from the one
approved (RenderSucceeded). Handlers may only fetch rows by primary key, so two small indexes are
kept here: `ShotWatch` (shot id → the current approvals covering it) finds the approvals a shot's
event touches, and `LatestRender` ("<shot>:<revision>" → its latest render) lets an approval see a
render that was recorded between the service's read and its own append. A stale approval stops
being watched: its first reason is the one that counts.
"""

from __future__ import annotations

from typing import Any

from eventlog import Projection, RecordedEvent, Rows, register
from reviews.models import ApprovalState, CutApproval, LatestRender, ShotWatch


def cut_approved(event: RecordedEvent, rows: Rows) -> None:
    """Add the approval, current unless a render it saw was already replaced; watch its shots."""
    e = event.payload
    shots = [{"shot": s["shot"], "revision": s["revision"], **_render_of(e.renders, s), "cast": s["cast"]}
             for s in e.shots]
    approval = CutApproval(
        id=e.approval_id, studio_id=e.studio_id, cut_id=e.cut_id, episode_id=e.episode_id, cut_number=e.cut_number,
        cut_hash=e.cut_hash, shots=shots, comment=e.comment, approved_by=e.approved_by,
        approved_at=event.recorded_at, state=ApprovalState.CURRENT, stale_reason="", stale_at=None,
        stale_position=None)
    rows.add(approval)
    for shot in shots:
        latest = rows.get(LatestRender, f"{shot['shot']}:{shot['revision']}")
        if latest is not None and latest.image_sha256 != shot["image_sha256"]:
            _mark_stale(approval, _render_reason(shot, latest.image_sha256), event, rows)
            return
    for shot in shots:
        _watch(rows, shot["shot"], e.approval_id)


def shot_revised(event: RecordedEvent, rows: Rows) -> None:
    """Mark stale every current approval covering an earlier revision of the shot."""
    e = event.payload
    for approval, shot in _watching(rows, e.shot_id):
        if shot["revision"] < e.revision:
            _mark_stale(approval, _revision_reason(shot, e), event, rows)


def render_succeeded(event: RecordedEvent, rows: Rows) -> None:
    """Record the shot revision's latest render; mark stale the approvals whose image it replaced."""
    e = event.payload
    _record_latest(event, rows)
    for approval, shot in _watching(rows, e.shot_id):
        if shot["revision"] == e.shot_revision and shot["image_sha256"] != e.image_sha256:
            _mark_stale(approval, _render_reason(shot, e.image_sha256), event, rows)


def _render_of(renders: dict[str, Any], shot: dict[str, Any]) -> dict[str, str]:
    render = renders[f"{shot['shot']}:{shot['revision']}"]
    return {"render": render["render"], "image_sha256": render["image_sha256"]}


def _record_latest(event: RecordedEvent, rows: Rows) -> None:
    e = event.payload
    key = f"{e.shot_id}:{e.shot_revision}"
    latest = rows.get(LatestRender, key)
    if latest is None:
        rows.add(LatestRender(id=key, shot_id=e.shot_id, shot_revision=e.shot_revision, render_id=e.render_id,
                              image_sha256=e.image_sha256, rendered_at=event.recorded_at))
        return
    latest.render_id, latest.image_sha256, latest.rendered_at = e.render_id, e.image_sha256, event.recorded_at
    rows.save(latest, "render_id", "image_sha256", "rendered_at")


def _watching(rows: Rows, shot_id: str) -> list[tuple[CutApproval, dict[str, Any]]]:
    """Return the current approvals covering the shot, each with the shot as it approved it."""
    watch = rows.get(ShotWatch, shot_id)
    if watch is None:
        return []
    found = []
    for approval_id in watch.approvals:
        approval = rows.get(CutApproval, approval_id)
        found.append((approval, next(s for s in approval.shots if s["shot"] == shot_id)))
    return found


def _watch(rows: Rows, shot_id: str, approval_id: str) -> None:
    watch = rows.get(ShotWatch, shot_id)
    if watch is None:
        rows.add(ShotWatch(id=shot_id, approvals=[approval_id]))
        return
    watch.approvals = [*watch.approvals, approval_id]
    rows.save(watch)


def _mark_stale(approval: CutApproval, reason: str, event: RecordedEvent, rows: Rows) -> None:
    approval.state, approval.stale_reason = ApprovalState.STALE, reason
    approval.stale_at, approval.stale_position = event.recorded_at, event.position
    rows.save(approval)
    approval_id = str(approval.id)
    for shot in approval.shots:
        watch = rows.get(ShotWatch, shot["shot"])
        if watch is not None and approval_id in watch.approvals:
            # Emptied rows are kept, not deleted: a later approval of the shot reuses them.
            watch.approvals = [a for a in watch.approvals if a != approval_id]
            rows.save(watch)


def _render_reason(shot: dict[str, Any], new_sha: str) -> str:
    return (f"render of shot {shot['shot']} r{shot['revision']} replaced: "
            f"image {shot['image_sha256'][:12]} → {new_sha[:12]}")


def _revision_reason(shot: dict[str, Any], revised: Any) -> str:
    details = []
    if "cast" in revised.changed:
        details.append(f"cast changed: {_cast_change(shot['cast'], revised.content['cast'])}")
    others = [name for name in revised.changed if name != "cast"]
    if others:
        details.append(f"{', '.join(others)} changed")
    return f"shot {revised.shot_id} revised to r{revised.revision} ({'; '.join(details)})"


def _cast_change(approved: list[dict[str, Any]], pins: list[dict[str, Any]]) -> str:
    """Describe how the pins moved from the approved cast: "Mei v1 → v2", "added <asset> v1", "removed Lantern v1"."""
    before = {pin["asset"]: pin for pin in approved}
    after = {pin["asset"]: pin for pin in pins}
    parts = []
    for asset, pin in after.items():
        old = before.get(asset)
        if old is None:
            parts.append(f"added {asset} v{pin['version']}")
        elif old["version"] != pin["version"]:
            parts.append(f"{old['name']} v{old['version']} → v{pin['version']}")
    parts += [f"removed {old['name']} v{old['version']}" for asset, old in before.items() if asset not in after]
    return ", ".join(parts) or "roles or order"


REVIEWS = register(
    Projection(
        name="reviews",
        handlers={
            "CutApproved": cut_approved,
            "ShotRevised": shot_revised,
            "RenderSucceeded": render_succeeded,
        },
        models=[CutApproval, ShotWatch, LatestRender],
    )
)
