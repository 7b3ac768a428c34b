"""What a locked cut records: the ordered shot revisions' full content, and its content hash."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from episodes.models import ShotRevision
from eventlog.canonical import canonical_hash

REVISION_FIELDS = ("order", "title", "description", "prompt", "negative_prompt", "camera", "duration", "seed",
                   "width", "height", "steps", "guidance", "model", "cast", "frames", "fps")
# Fields a still (frames == 1) leaves out of its cut hash, so cuts locked before clips existed hash alike.
CLIP_FIELDS = ("frames", "fps")


def revision_content(revision: ShotRevision) -> dict[str, Any]:
    """Return a revision's full content (every field and exact pin), as hashed into cuts."""
    content = {name: getattr(revision, name) for name in REVISION_FIELDS}
    return {"shot": str(revision.shot_id), "revision": revision.revision, **content}


def cut_hash(revisions: Iterable[ShotRevision]) -> str:
    """Return the SHA-256 of the canonical JSON of the ordered revisions' content."""
    return canonical_hash([_hashed(revision_content(r)) for r in revisions])


def _hashed(content: dict[str, Any]) -> dict[str, Any]:
    if content["frames"] > 1:
        return content
    return {name: value for name, value in content.items() if name not in CLIP_FIELDS}
