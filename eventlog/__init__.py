"""The event log's public API; apps use only what is exported here.

- `append` / `append_streams`: atomic, optimistic-concurrency appends (services only).
- `append_stored` / `StoredForm`: append events already in stored form at explicit versions (adapters).
- `load_stream`, `read_after`, `iter_all`, `head_position`, `position_at`, `stream_version`,
  `studio_summary`: reads.
- `verify`: recompute the hash chain. `replay` / `replay_check`: rebuild read models from position 0.
- `DomainEvent`, `upcaster`, `RecordedEvent`: defining and reading events.
- `Projection`, `Rows`, `register`: building read models.
"""

from __future__ import annotations

import importlib
from typing import Any

# Name → the module that defines it. Django imports this package while it loads apps, before any
# model may be defined, so the modules that use the models are imported on first use instead.
_EXPORTS = {
    "VerifyResult": "chain",
    "ConcurrencyError": "errors", "EventLogBusy": "errors",
    "DomainEvent": "events", "RecordedEvent": "events", "upcaster": "events",
    "Projection": "projections", "Rows": "projections", "register": "projections", "replay": "projections",
    "replay_check": "projections", "catch_up_projections": "projections",
    "head_position": "reading", "iter_all": "reading", "load_stream": "reading", "position_at": "reading",
    "read_after": "reading", "stream_version": "reading", "studio_summary": "reading",
    "StoredForm": "store", "StreamWrite": "store", "append": "store", "append_stored": "store",
    "append_streams": "store",
    "verify": "chain", "GENESIS_HASH": "chain",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'eventlog' has no attribute {name!r}")
    return getattr(importlib.import_module(f"eventlog.{_EXPORTS[name]}"), name)
