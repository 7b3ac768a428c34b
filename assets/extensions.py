"""Where apps above assets plug in without assets importing them (connected in their `ready()`).

- `blob_body_extend`: add a function of (blob, studio id, bytes) whose dict joins the upload's
  response (consistency warns there when a new reference looks like another asset of the studio).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BlobBodyExtra = Callable[[Any, str, bytes], dict[str, Any]]
_BLOB_BODY_EXTRAS: list[BlobBodyExtra] = []


def blob_body_extend(extra: BlobBodyExtra) -> None:
    """Add a function whose fields join the body of an upload (once per function)."""
    if extra not in _BLOB_BODY_EXTRAS:
        _BLOB_BODY_EXTRAS.append(extra)


def blob_body_extras(blob: Any, studio_id: str, data: bytes) -> dict[str, Any]:
    """Return the fields every registered extension adds to an upload's body."""
    fields: dict[str, Any] = {}
    for extra in _BLOB_BODY_EXTRAS:
        fields.update(extra(blob, studio_id, data))
    return fields
