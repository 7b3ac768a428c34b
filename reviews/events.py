"""Cut approval events; each approval has its own stream ("cut-approval-<approval uuid>")."""

from __future__ import annotations

from dataclasses import dataclass

from eventlog import DomainEvent


@dataclass(frozen=True)
class CutApproved(DomainEvent):
    """A supervisor approved a locked cut as it was: its content hash, each shot's cast and current render."""

    approval_id: str
    cut_id: str
    episode_id: str
    studio_id: str
    cut_number: int
    cut_hash: str
    shots: list  # [{shot, revision, cast: [{asset, name, version}]}] in cut order
    renders: dict  # {"<shot>:<revision>": {"render": id, "image_sha256": sha}} current at approval time
    comment: str
    approved_by: str


def approval_stream(approval_id: str) -> str:
    """Return the stream id of a cut approval."""
    return f"cut-approval-{approval_id}"
