"""The lineage graph: nodes and typed edges projected from asset, model, shot, cut and render events.

Node ids are "<type>:<ref>" so an edge can be written from an event alone, without reading the
node it points at. Dependencies between asset versions (components and derivations) also move
the studio's DependencyStamp, which tells impact analysis when to reload its in-memory graph.
Render events are handled here too (RenderSucceeded carries the shot revision and, in its
manifest, the model), so the generation app needs no hook of its own.
"""

from __future__ import annotations

from typing import Any

from eventlog import Projection, RecordedEvent, Rows, register
from lineage.models import DependencyStamp, GraphEdge, GraphNode

_STATUS = {
    "AssetVersionSubmitted": "in_review",
    "AssetVersionApproved": "approved",
    "AssetVersionRejected": "rejected",
    "AssetVersionRetired": "retired",
}


def node_id(type_: str, *ref: Any) -> str:
    """Return the graph id of a node: its type and reference joined by colons."""
    return ":".join([type_, *(str(part) for part in ref)])


def _node(rows: Rows, event: RecordedEvent, type_: str, ref: str, studio_id: str, label: str, status: str = "") -> str:
    nid = node_id(type_, ref)
    rows.add(GraphNode(id=nid, type=type_, ref=ref, studio_id=studio_id, label=label[:250], status=status,
                       created_at=event.recorded_at))
    return nid


def _edge(rows: Rows, src: str, type_: str, dst: str, studio_id: str) -> None:
    # Every edge touches the node its event creates, so it is new: no lookup needed.
    rows.add(GraphEdge(id=f"{src}|{type_}|{dst}", src=src, dst=dst, type=type_, studio_id=studio_id))


def _label(rows: Rows, nid: str, fallback: str) -> str:
    node = rows.get(GraphNode, nid)
    return node.label if node is not None else fallback


# --- assets and models -------------------------------------------------------------------------

def asset_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the asset's node."""
    e = event.payload
    _node(rows, event, "asset", e.asset_id, e.studio_id, f"{e.name} ({e.kind})")


def asset_version_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the version's node and its version_of, component_of and derived_from edges."""
    e = event.payload
    name = _label(rows, node_id("asset", e.asset_id), e.asset_id).rsplit(" (", 1)[0]
    ref = f"{e.asset_id}:{e.number}"
    nid = _node(rows, event, "asset_version", ref, e.studio_id, f"{name} v{e.number}", status="draft")
    _edge(rows, nid, "version_of", node_id("asset", e.asset_id), e.studio_id)
    for pin in e.components:
        _edge(rows, node_id("asset_version", pin["asset"], pin["version"]), "component_of", nid, e.studio_id)
    if e.derived_from:
        source = e.derived_from
        _edge(rows, nid, "derived_from", node_id("asset_version", source["asset"], source["version"]), e.studio_id)
    if e.components or e.derived_from:
        _stamp(rows, e.studio_id, event)


def _stamp(rows: Rows, studio_id: str, event: RecordedEvent) -> None:
    stamp = rows.get(DependencyStamp, studio_id)
    if stamp is None:
        rows.add(DependencyStamp(studio_id=studio_id, position=event.position, hash=event.hash))
    else:
        stamp.position, stamp.hash = event.position, event.hash
        rows.save(stamp)


def asset_version_status_changed(event: RecordedEvent, rows: Rows) -> None:
    """Follow the version's review status on its node."""
    e = event.payload
    node = rows.get(GraphNode, node_id("asset_version", e.asset_id, e.number))
    node.status = _STATUS[event.type]
    rows.save(node)


def model_registered(event: RecordedEvent, rows: Rows) -> None:
    """Add the model version's node."""
    e = event.payload
    _node(rows, event, "model", e.model_id, e.studio_id, f"{e.name} v{e.version} ({e.backend})")


# --- series, episodes, shots, cuts, renders ------------------------------------------------------

def series_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the series' node."""
    e = event.payload
    _node(rows, event, "series", e.series_id, e.studio_id, e.title)


def episode_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the episode's node and its episode_of edge."""
    e = event.payload
    nid = _node(rows, event, "episode", e.episode_id, e.studio_id, f"E{e.number} {e.title}")
    _edge(rows, nid, "episode_of", node_id("series", e.series_id), e.studio_id)


def shot_created(event: RecordedEvent, rows: Rows) -> None:
    """Add the shot's node (shot_of its episode) and its first revision."""
    e = event.payload
    nid = _node(rows, event, "shot", e.shot_id, e.studio_id, _shot_label(e.content))
    _edge(rows, nid, "shot_of", node_id("episode", e.episode_id), e.studio_id)
    _shot_revision(event, rows)


def shot_revised(event: RecordedEvent, rows: Rows) -> None:
    """Relabel the shot and add the new revision."""
    e = event.payload
    shot = rows.get(GraphNode, node_id("shot", e.shot_id))
    label = _shot_label(e.content)
    if shot.label != label:
        shot.label = label
        rows.save(shot)
    _shot_revision(event, rows)


def _shot_label(content: dict[str, Any]) -> str:
    title = content.get("title") or ""
    return f"Shot {content['order']}" + (f" {title}" if title else "")


def _shot_revision(event: RecordedEvent, rows: Rows) -> None:
    e = event.payload
    ref = f"{e.shot_id}:{e.revision}"
    nid = _node(rows, event, "shot_revision", ref, e.studio_id, f"{_shot_label(e.content)} r{e.revision}")
    _edge(rows, nid, "revision_of", node_id("shot", e.shot_id), e.studio_id)
    for pin in e.content["cast"]:
        _edge(rows, nid, "casts", node_id("asset_version", pin["asset"], pin["version"]), e.studio_id)
    _edge(rows, nid, "uses_model", node_id("model", e.content["model"]), e.studio_id)


def cut_locked(event: RecordedEvent, rows: Rows) -> None:
    """Add the cut's node, cut_of its episode, and a locked_in edge from each shot revision."""
    e = event.payload
    episode = _label(rows, node_id("episode", e.episode_id), "episode").split(" ", 1)[0]
    nid = _node(rows, event, "cut", e.cut_id, e.studio_id, f"{episode} cut {e.number}")
    _edge(rows, nid, "cut_of", node_id("episode", e.episode_id), e.studio_id)
    for item in e.shots:
        _edge(rows, node_id("shot_revision", item["shot"], item["revision"]), "locked_in", nid, e.studio_id)


def render_succeeded(event: RecordedEvent, rows: Rows) -> None:
    """Add the render's node, rendered_from its shot revision and its model."""
    e = event.payload
    nid = _node(rows, event, "render", e.render_id, e.studio_id, f"render {e.render_id[:8]}")
    _edge(rows, nid, "rendered_from", node_id("shot_revision", e.shot_id, e.shot_revision), e.studio_id)
    model_id = (e.manifest.get("model") or {}).get("id") if isinstance(e.manifest, dict) else None
    if model_id:
        _edge(rows, nid, "rendered_from", node_id("model", model_id), e.studio_id)


GRAPH = register(
    Projection(
        name="lineage-graph",
        handlers={
            "AssetCreated": asset_created,
            "AssetVersionCreated": asset_version_created,
            **{name: asset_version_status_changed for name in _STATUS},
            "ModelRegistered": model_registered,
            "SeriesCreated": series_created,
            "EpisodeCreated": episode_created,
            "ShotCreated": shot_created,
            "ShotRevised": shot_revised,
            "CutLocked": cut_locked,
            "RenderSucceeded": render_succeeded,
        },
        models=[GraphNode, GraphEdge, DependencyStamp],
    )
)
