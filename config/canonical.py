"""Canonical JSON bytes and SHA-256 hashes, so equal values always hash alike."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(obj: Any) -> bytes:
    """Serialise `obj` as canonical UTF-8 JSON: sorted keys, no spaces, no NaN or infinity."""
    try:
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise ValueError(f"cannot serialise canonically: {error}") from None
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 digest of `data`."""
    return hashlib.sha256(data).hexdigest()


def canonical_hash(obj: Any) -> str:
    """Return the SHA-256 hex digest of the canonical JSON of `obj`."""
    return sha256_hex(canonical_json(obj))
