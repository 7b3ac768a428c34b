"""Delivery reads, from read models only."""

from __future__ import annotations

from config.types import Actor
from delivery.models import Export, ExportProgress
from studios.access import get_visible


def export_get(*, user: Actor, export_id: str) -> Export:
    """Return one export the user may see."""
    return get_visible(Export, export_id, user)


def export_progress(*, export: Export) -> ExportProgress | None:
    """Return how far a queued or running export has got (not event-sourced), if it has started."""
    if export.status != "queued":
        return None
    return ExportProgress.objects.filter(export_id=str(export.id)).first()
