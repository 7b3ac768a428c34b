"""What a person calls a render: `ep01-sh03-r2` (episode number, shot number, shot revision)."""

from __future__ import annotations

from collections.abc import Iterable

from episodes.models import Shot
from generation.models import Render


def render_stem(render: Render) -> str:
    """Return a render's readable name, `ep<episode>-sh<shot>-r<revision>` (the render's id if its shot is gone)."""
    shot = Shot.objects.filter(pk=render.shot_id).select_related("episode").first()
    if shot is None:
        return f"render-{str(render.id)[:8]}"
    return f"ep{shot.episode.number:02d}-sh{shot.order:02d}-r{render.shot_revision}"


def render_blob_name(sha256: str, studio_ids: Iterable[str]) -> str | None:
    """Name a blob after the latest render whose image it is (a namer for assets.blob_names)."""
    render = (Render.objects.filter(image_sha256=sha256, studio_id__in=list(studio_ids))
              .order_by("-created_at").first())
    return render_stem(render) if render is not None else None
