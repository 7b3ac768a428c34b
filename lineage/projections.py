"""Lineage read models built from events (the graph projection is added with episodes and shots)."""

from __future__ import annotations
