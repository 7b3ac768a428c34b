"""The lineage read models: the graph of assets, shots, cuts and renders, and dependency stamps."""

from __future__ import annotations

from django.db import models


class GraphNode(models.Model):
    """A node of the lineage graph: "<type>:<ref>", e.g. "asset_version:<asset>:<n>" or "cut:<uuid>".

    Types: asset, asset_version, series, episode, shot, shot_revision, cut, model, render. `ref` is the
    id the node's own API page uses; `status` follows an asset version's review status.
    """

    id = models.CharField(max_length=100, primary_key=True)
    type = models.CharField(max_length=20)
    ref = models.CharField(max_length=80)
    studio_id = models.UUIDField()
    label = models.CharField(max_length=250)
    status = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "lineage_graph_node"


class GraphEdge(models.Model):
    """A typed edge "<from>|<type>|<to>" of the lineage graph.

    Types and direction: derived_from (variant → source version), component_of (component version →
    parent version), casts (shot revision → asset version), uses_model (shot revision → model),
    rendered_from (render → shot revision and model), locked_in (shot revision → cut), and the
    structural version_of, revision_of, shot_of, cut_of, episode_of.
    """

    id = models.CharField(max_length=220, primary_key=True)
    src = models.CharField(max_length=100)
    dst = models.CharField(max_length=100)
    type = models.CharField(max_length=20)
    studio_id = models.UUIDField()

    class Meta:
        db_table = "lineage_graph_edge"
        indexes = [
            models.Index(fields=["src"], name="graph_edge_src"),
            models.Index(fields=["dst"], name="graph_edge_dst"),
            models.Index(fields=["studio_id", "type"], name="graph_edge_studio_type"),
        ]


class DependencyStamp(models.Model):
    """The position of the last event that changed a studio's version-to-version dependencies.

    Impact analysis keeps each studio's component/derivation graph in memory and reloads it only
    when this stamp moves, so a query costs no walk over the database. The event's chain hash is
    kept too: a position can be reused after a rolled-back append, a hash can not.
    """

    studio_id = models.UUIDField(primary_key=True)
    position = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "lineage_dependency_stamp"
