"""Check a rendered PNG against the log: its embedded manifest, its render event and its image hash."""

from __future__ import annotations

from typing import Any

from config.canonical import sha256_hex
from generation.events import render_stream
from generation.pngmeta import read_png_manifest
from lineage import eventlog


def provenance_check(data: bytes) -> dict[str, Any]:
    """Return {ok, checks: [{name, ok, detail}], render, shot, shot_revision} for a PNG's bytes."""
    checks: list[dict[str, Any]] = []
    try:
        manifest, digest = read_png_manifest(data)
    except ValueError as error:
        return {"ok": False, "checks": [_check("embedded manifest", False, str(error))]}
    checks.append(_check("embedded manifest", True, f"manifest hash {digest}"))
    events = [e for e in eventlog.load_stream(render_stream(digest)) if e.type == "RenderSucceeded"]
    checks.append(_check("render in the log", bool(events),
                         f"event {events[0].position}" if events else "no RenderSucceeded for this manifest hash"))
    if not events:
        return {"ok": False, "checks": checks}
    recorded = events[0].payload
    checks.append(_check("manifest matches the log", recorded.manifest == manifest,
                         "same manifest" if recorded.manifest == manifest else "the logged manifest differs"))
    sha = sha256_hex(data)
    checks.append(_check("image hash", sha == recorded.image_sha256,
                         sha if sha == recorded.image_sha256 else f"file {sha} != recorded {recorded.image_sha256}"))
    return {"ok": all(c["ok"] for c in checks), "checks": checks, "render": recorded.render_id,
            "shot": recorded.shot_id, "shot_revision": recorded.shot_revision}


def _check(name: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"name": name, "ok": ok, "detail": detail}
