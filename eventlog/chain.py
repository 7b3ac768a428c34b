"""The SHA-256 hash chain: each event's hash covers its canonical content and the previous hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from eventlog.canonical import canonical_text
from eventlog.reading import iter_all

GENESIS_HASH = "0" * 64


def stored_json(value: Any) -> tuple[str, Any]:
    """Return the canonical JSON text of a payload and the payload as the database will hand it back.

    PostgreSQL's jsonb rewrites two kinds of float: exponent forms (1e+16 comes back as the integer
    10000000000000000) and negative zero (comes back as 0.0). Such floats are normalised before
    hashing and storing, so that the chain still verifies and a rebuild sees what live handlers saw.
    """
    text = canonical_text(value)
    if "e+" in text or "-0.0" in text:  # cheap pre-check; the walk below decides exactly
        value = _jsonb_stable(value)
        text = canonical_text(value)
    return text, value


def _jsonb_stable(value: Any) -> Any:
    if isinstance(value, float):
        if value == 0:
            return 0.0
        text = repr(value)
        return int(Decimal(text)) if "e+" in text else value
    if isinstance(value, dict):
        return {k: _jsonb_stable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonb_stable(v) for v in value]
    return value


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
    data_json: str,
    metadata_json: str,
    recorded_at: datetime,
) -> str:
    """Return the chained hash of one event: SHA-256(previous hash + canonical JSON of its content).

    `data_json` and `metadata_json` are already canonical, so the content object is written around
    them with its keys in sorted order: exactly `canonical_bytes` of the whole object.
    """
    content = (
        f'{{"data":{data_json},"metadata":{metadata_json},"position":{int(position)},'
        f'"recorded_at":{canonical_text(timestamp(recorded_at))},"schema_version":{int(schema_version)},'
        f'"stream_id":{canonical_text(stream_id)},"stream_version":{int(stream_version)},"type":{canonical_text(type)}}}'
    )
    return hashlib.sha256(previous_hash.encode("ascii") + content.encode()).hexdigest()


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


def verify() -> VerifyResult:
    """Recompute every event's hash in order; report the first position that breaks the chain."""
    previous, count = GENESIS_HASH, 0
    for event in iter_all():
        count += 1
        if event.position != count:
            return VerifyResult(False, count - 1, previous, count, f"position {count} is missing")
        expected = event_hash(
            previous, position=event.position, stream_id=event.stream_id, stream_version=event.stream_version,
            type=event.type, schema_version=event.schema_version, data_json=canonical_text(event.data),
            metadata_json=canonical_text(event.metadata), recorded_at=event.recorded_at,
        )
        if expected != event.hash:
            return VerifyResult(False, count - 1, previous, event.position, "content does not match its hash")
        previous = event.hash
    return VerifyResult(True, count, previous)
