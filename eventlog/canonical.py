"""Canonical JSON, the one serialisation behind every hash: the event chain, manifests, cuts, fingerprints.

Sorted keys, no whitespace, UTF-8 rather than \\u escapes, no NaN or infinity: equal values always
serialise, and so hash, alike.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_text(value: Any) -> str:
    """Serialise a JSON value canonically; raise ValueError for one that has no canonical form."""
    try:
        return _ENCODER.encode(value)
    except ValueError as error:
        raise ValueError(f"cannot serialise canonically: {error}") from None


def canonical_bytes(value: Any) -> bytes:
    """Return the canonical JSON of a value as UTF-8 bytes."""
    return canonical_text(value).encode()


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 digest of `data`."""
    return hashlib.sha256(data).hexdigest()


def canonical_hash(value: Any) -> str:
    """Return the SHA-256 hex digest of a value's canonical JSON."""
    return sha256_hex(canonical_bytes(value))
