"""What a locked cut records: the ordered shot revisions' full content, and its content hash."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from config.canonical import canonical_hash
from episodes.models import ShotRevision

REVISION_FIELDS = ("order", "title", "description", "prompt", "negative_prompt", "camera", "duration", "seed",
                   "width", "height", "steps", "guidance", "model", "cast")


def revision_content(revision: ShotRevision) -> dict[str, Any]:
    """Return a revision's full content (every field and exact pin), as hashed into cuts."""
    content = {name: getattr(revision, name) for name in REVISION_FIELDS}
    return {"shot": str(revision.shot_id), "revision": revision.revision, **content}


def cut_hash(revisions: Iterable[ShotRevision]) -> str:
    """Return the SHA-256 of the canonical JSON of the ordered revisions' content."""
    return canonical_hash([revision_content(r) for r in revisions])
