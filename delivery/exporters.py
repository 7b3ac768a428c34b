"""Make an export's file from the shots it records: one function per format, each returning the file.

The timeline formats go through OpenTimelineIO's adapters; the .otioz bundles the renders' PNGs
(the signed files, with their Content Credentials) next to the timeline.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio

from delivery.animatic import Still, encode_animatic, encoder_details
from delivery.timeline import FPS, clip_name, cut_timeline, media_blob, media_name

Progress = Callable[[int, int], None]
ReadBlob = Callable[[str], bytes]


@dataclass(frozen=True)
class Made:
    """An export's bytes, their content type, and how they were made."""

    data: bytes
    content_type: str
    details: dict[str, Any]


ADAPTERS = {"otio": "otio_json", "edl": "cmx_3600", "fcp7xml": "fcp_xml", "fcpxml": "fcpx_xml"}
CONTENT_TYPES = {"otio": "application/json", "otioz": "application/zip", "edl": "text/plain",
                 "fcp7xml": "application/xml", "fcpxml": "application/xml", "mp4": "video/mp4"}
EXTENSIONS = {"otio": "otio", "otioz": "otioz", "edl": "edl", "fcp7xml": "xml", "fcpxml": "fcpxml", "mp4": "mp4"}


def make_export(format: str, *, name: str, shots: Sequence[dict[str, Any]], metadata: dict[str, Any],
                options: dict[str, Any], read_blob: ReadBlob, progress: Progress) -> Made:
    """Return the file of a cut's shots in `format`."""
    if format == "mp4":
        return _animatic(shots, options, read_blob, progress)
    if format == "otioz":
        return _otioz(name, shots, metadata, read_blob, progress)
    adapter = ADAPTERS[format]
    data = otio.adapters.write_to_string(cut_timeline(name, shots, metadata=metadata), adapter).encode("utf-8")
    progress(len(shots), len(shots))
    return Made(data, CONTENT_TYPES[format], _timeline_details(adapter, shots))


def _otioz(name: str, shots: Sequence[dict[str, Any]], metadata: dict[str, Any], read_blob: ReadBlob,
           progress: Progress) -> Made:
    with tempfile.TemporaryDirectory(prefix="continuity-otioz-") as folder:
        media = Path(folder) / "media"
        media.mkdir()
        for done, shot in enumerate(shots, start=1):
            (media / media_name(shot)).write_bytes(read_blob(media_blob(shot)))
            progress(done, len(shots))
        timeline = cut_timeline(name, shots, metadata=metadata,
                                media_url=lambda shot: (media / media_name(shot)).as_uri())
        bundle = Path(folder) / "cut.otioz"
        otio.adapters.write_to_file(timeline, str(bundle))
        return Made(bundle.read_bytes(), CONTENT_TYPES["otioz"], _timeline_details("otioz", shots))


def _animatic(shots: Sequence[dict[str, Any]], options: dict[str, Any], read_blob: ReadBlob,
              progress: Progress) -> Made:
    burn_in = bool(options.get("burn_in", True))
    stills = [Still(read_blob(s["image_sha256"]), s["frames"], clip_name(s),
                    clip=read_blob(s["video_sha256"]) if s.get("video_sha256") else None, clip_fps=s.get("fps", 0))
              for s in shots]
    data = encode_animatic(stills, fps=FPS, burn_in=burn_in, progress=progress)
    details = {**encoder_details(fps=FPS, burn_in=burn_in), "frames": sum(s["frames"] for s in shots)}
    return Made(data, CONTENT_TYPES["mp4"], details)


def _timeline_details(adapter: str, shots: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"adapter": adapter, "opentimelineio": otio.__version__, "fps": FPS, "clips": len(shots),
            "frames": sum(s["frames"] for s in shots)}
