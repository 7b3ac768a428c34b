"""The SHA-256 hash chain: each event's hash covers its canonical content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_bytes(value: Any) -> bytes:
    """Serialise JSON deterministically: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def timestamp(moment: datetime) -> str:
    """Format a time the way the chain hashes it (UTC, microseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    previous_hash: str,
    *,
    position: int,
    stream_id: str,
    stream_version: int,
    type: str,
    schema_version: int,
    data: dict[str, Any],
    metadata: dict[str, Any],
    recorded_at: datetime,
) -> str:
    """Return the chained hash of one event."""
    content = {
        "position": position,
        "stream_id": stream_id,
        "stream_version": stream_version,
        "type": type,
        "schema_version": schema_version,
        "data": data,
        "metadata": metadata,
        "recorded_at": timestamp(recorded_at),
    }
    digest = hashlib.sha256(previous_hash.encode("ascii"))
    digest.update(canonical_bytes(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of recomputing the chain: `first_bad` is the first position that fails."""

    ok: bool
    events: int
    head: str
    first_bad: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the API representation."""
        body: dict[str, Any] = {"ok": self.ok, "events": self.events, "head": self.head}
        if not self.ok:
            body.update(first_bad_position=self.first_bad, reason=self.reason)
        return body
