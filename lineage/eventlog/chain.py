"""The SHA-256 hash chain: each event's hash covers its canonical content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

GENESIS_HASH = "0" * 64


# Canonical JSON: sorted keys, no whitespace, UTF-8 (not \u escapes), no NaN. One encoder for all calls.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_dumps = _CANONICAL.encode


def canonical_bytes(value: Any) -> bytes:
    """Serialise JSON deterministically: sorted keys, no whitespace, UTF-8, no NaN."""
    return _dumps(value).encode()


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """JSON string literal of a stream id, type or time: few distinct values per append, so cached."""
    return _dumps(text)


def stored_json(value: Any) -> tuple[str, Any]:
    """Return the canonical JSON text of a payload and the payload as the database will hand it back.

    PostgreSQL's jsonb rewrites two kinds of float: exponent forms (1e+16 comes back as the integer
    10000000000000000) and negative zero (comes back as 0.0). Such floats are normalised before
    hashing and storing, so that the chain still verifies and a rebuild sees what live handlers saw.
    """
    text = _dumps(value)
    if "e+" in text or "-0.0" in text:  # cheap pre-check; the walk below decides exactly
        value = _jsonb_stable(value)
        text = _dumps(value)
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


def chained_hash(
    previous_hash: str,
    *,
    position: int,
    stream_id: str,
    stream_version: int,
    type: str,
    schema_version: int,
    data_json: str,
    metadata_json: str,
    recorded_at: str,
) -> str:
    """Return an event's hash from already-canonical JSON parts (the append path's fast form).

    The bytes are exactly `canonical_bytes` of the content object: its keys are written in sorted
    order and the nested JSON is already canonical, so no second serialisation is needed.
    """
    content = (
        f'{{"data":{data_json},"metadata":{metadata_json},"position":{int(position)},'
        f'"recorded_at":{_quoted(recorded_at)},"schema_version":{int(schema_version)},'
        f'"stream_id":{_quoted(stream_id)},"stream_version":{int(stream_version)},"type":{_quoted(type)}}}'
    )
    digest = hashlib.sha256(previous_hash.encode("ascii"))
    digest.update(content.encode())
    return digest.hexdigest()


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
    """Return the chained hash of one event: SHA-256(previous hash + canonical JSON of its content)."""
    return chained_hash(
        previous_hash, position=position, stream_id=stream_id, stream_version=stream_version, type=type,
        schema_version=schema_version, data_json=_dumps(data), metadata_json=_dumps(metadata),
        recorded_at=timestamp(recorded_at),
    )


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
