"""The lineage graph's neighbourhood of a node, as JSON or as an SVG whose nodes link to their API pages."""

from __future__ import annotations

from typing import Any

import graphviz
from django.db.models import Q

from config.errors import NotFound
from config.graphviz_program import graphviz_render
from config.types import Actor
from lineage.impact.errors import InvalidNode
from lineage.models import GraphEdge, GraphNode
from studios.access import visible_studio_ids

MAX_DEPTH = 6
MAX_NODES = 400

# type → (API path template, Graphviz shape, fill colour)
NODE_TYPES: dict[str, tuple[str, str, str]] = {
    "asset": ("/api/assets/{0}/", "folder", "#e8eef9"),
    "asset_version": ("/api/assets/{0}/versions/{1}/", "box", "#cfe0fc"),
    "series": ("/api/series/{0}/", "tab", "#f2e6f7"),
    "episode": ("/api/episodes/{0}/", "tab", "#e9d6f2"),
    "shot": ("/api/shots/{0}/", "component", "#fdf0d2"),
    "shot_revision": ("/api/shots/{0}/revisions/{1}/", "note", "#fbe3a8"),
    "cut": ("/api/cuts/{0}/", "doubleoctagon", "#d4f0d9"),
    "model": ("/api/models/{0}/", "cylinder", "#e3e3e3"),
    "render": ("/api/renders/{0}/", "box3d", "#fde0dc"),
}
_STATUS_BORDER = {"approved": "#1b7f3b", "rejected": "#b3261e", "retired": "#777777", "in_review": "#b26a00"}


def node_url(node: GraphNode) -> str:
    """Return the API page of a node."""
    return NODE_TYPES[node.type][0].format(*node.ref.split(":"))


def graph_neighbourhood(*, user: Actor, node: str, depth: int) -> dict[str, Any]:
    """Return the nodes and edges within `depth` steps of a node (either direction), of the caller's studios."""
    type_, _, ref = (node or "").partition(":")
    if type_ not in NODE_TYPES or not ref:
        raise InvalidNode(f"node must be <type>:<id> with type one of {', '.join(NODE_TYPES)}.",
                          fields={"node": ["<type>:<id>."]})
    visible = visible_studio_ids(user)
    start = GraphNode.objects.filter(pk=node).first()
    if start is None or str(start.studio_id) not in visible:
        raise NotFound("Not found.")
    nodes, edges, truncated = _walk(start, min(max(depth, 0), MAX_DEPTH), visible)
    return {
        "node": start.id, "depth": depth, "truncated": truncated,
        "nodes": [{"id": n.id, "type": n.type, "label": n.label, "url": node_url(n), "status": n.status}
                  for n in sorted(nodes.values(), key=lambda n: (n.type, n.label, n.id))],
        "edges": [{"from": e.src, "to": e.dst, "type": e.type} for e in sorted(edges, key=lambda e: e.id)],
    }


def _walk(start: GraphNode, depth: int, visible: set[str]) -> tuple[dict[str, GraphNode], list[GraphEdge], bool]:
    nodes, edges = {start.id: start}, {}
    frontier, truncated = {start.id}, False
    for _level in range(depth):
        found = GraphEdge.objects.filter(Q(src__in=frontier) | Q(dst__in=frontier), studio_id__in=visible)
        unseen: set[str] = set()
        for edge in found:
            edges[edge.id] = edge
            unseen.update(end for end in (edge.src, edge.dst) if end not in nodes)
        if len(nodes) + len(unseen) > MAX_NODES:
            truncated = True
            unseen = set(sorted(unseen)[: MAX_NODES - len(nodes)])
        new = {pk: n for pk, n in GraphNode.objects.in_bulk(list(unseen)).items() if str(n.studio_id) in visible}
        nodes.update(new)
        frontier = set(new)
        if truncated or not frontier:
            break
    return nodes, [e for e in edges.values() if e.src in nodes and e.dst in nodes], truncated


def graph_svg(graph: dict[str, Any]) -> bytes:
    """Render a neighbourhood as SVG with Graphviz (graphviz-pure); each node links to its API page."""
    dot = graphviz.Digraph("lineage", graph_attr={"rankdir": "LR", "fontname": "Helvetica", "fontsize": "10"},
                           node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "8", "color": "#555555"})
    # Graphviz reads "a:b" in an edge end as a node and port, so nodes get plain internal names.
    names = {node["id"]: f"n{index}" for index, node in enumerate(graph["nodes"])}
    for node in graph["nodes"]:
        _path, shape, fill = NODE_TYPES[node["type"]]
        label = node["label"].replace("\\", "\\\\")  # a backslash in a title is text, not a dot escape
        dot.node(names[node["id"]], label=f"{label}\n{node['type']}", shape=shape, fillcolor=fill,
                 href=node["url"], target="_top", tooltip=node["id"],
                 color=_STATUS_BORDER.get(node["status"], "#333333"),
                 penwidth="3" if node["id"] == graph["node"] else "1")
    for edge in graph["edges"]:
        dot.edge(names[edge["from"]], names[edge["to"]], label=edge["type"])
    return graphviz_render(dot.source, format="svg")
