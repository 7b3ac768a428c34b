"""Check a rendered PNG: its C2PA Content Credentials, and its embedded manifest against the log."""

from __future__ import annotations

from typing import Any

import eventlog
from eventlog.canonical import sha256_hex
from generation.credentials import verify_png
from generation.events import render_stream
from generation.pngmeta import read_png_manifest


def provenance_check(data: bytes) -> dict[str, Any]:
    """Return {ok, checks: [{name, ok, detail}], c2pa: {state, issues}, log: {ok, position, manifest_hash},
    render, shot, shot_revision} for a PNG's bytes; ok when the log agrees and the credentials are trusted."""
    credentials = verify_png(data)
    c2pa = {"state": credentials["state"], "issues": credentials["issues"]}
    checks = [_check("content credentials", credentials["state"] == "trusted",
                     ", ".join([credentials["state"], *(i["code"] for i in credentials["issues"])]))]
    report: dict[str, Any] = {"c2pa": c2pa, "log": {"ok": False, "position": None, "manifest_hash": None}}
    try:
        manifest, digest = read_png_manifest(data)
    except ValueError as error:
        return {**report, "ok": False, "checks": [*checks, _check("embedded manifest", False, str(error))]}
    checks.append(_check("embedded manifest", True, f"manifest hash {digest}"))
    if credentials["state"] != "none":
        signed = credentials["manifest_hash"] == digest
        checks.append(_check("credentials name the manifest", signed,
                             "same manifest hash" if signed else f"credentials assert {credentials['manifest_hash']}"))
    events = [e for e in eventlog.load_stream(render_stream(digest)) if e.type == "RenderSucceeded"]
    checks.append(_check("render in the log", bool(events),
                         f"event {events[0].position}" if events else "no RenderSucceeded for this manifest hash"))
    if not events:
        missing = {"ok": False, "position": None, "manifest_hash": digest}
        return {**report, "ok": False, "checks": checks, "log": missing}
    recorded = events[0].payload
    checks.append(_check("manifest matches the log", recorded.manifest == manifest,
                         "same manifest" if recorded.manifest == manifest else "the logged manifest differs"))
    sha = sha256_hex(data)
    checks.append(_check("image hash", sha == recorded.image_sha256,
                         sha if sha == recorded.image_sha256 else f"file {sha} != recorded {recorded.image_sha256}"))
    log_ok = all(c["ok"] for c in checks[1:])
    return {"ok": all(c["ok"] for c in checks), "checks": checks, "c2pa": c2pa,
            "log": {"ok": log_ok, "position": events[0].position, "manifest_hash": digest},
            "render": recorded.render_id, "shot": recorded.shot_id, "shot_revision": recorded.shot_revision}


def _check(name: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"name": name, "ok": ok, "detail": detail}
