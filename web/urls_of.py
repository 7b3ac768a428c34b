"""The web page of each kind of lineage node (the graph itself names API pages)."""

from __future__ import annotations

from django.urls import reverse


def node_page(node_type: str, node_id: str) -> str:
    """Return the web page for a lineage node id ("<type>:<ref>")."""
    parts = node_id.split(":")[1:]
    if node_type == "asset":
        return reverse("web:asset", args=[parts[0]])
    if node_type == "asset_version":
        return reverse("web:asset", args=[parts[0]]) + f"?b={parts[1]}#compare"
    if node_type == "episode":
        return reverse("web:episode", args=[parts[0]])
    if node_type in ("shot", "shot_revision"):
        return reverse("web:shot", args=[parts[0]])
    # Cuts, renders, series and models have no page of their own: their neighbourhood is theirs.
    return reverse("web:lineage") + f"?node={node_id}"
