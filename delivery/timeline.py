"""A locked cut as an OpenTimelineIO timeline: one video track, one clip per shot at its duration.

Shot code and revision go into each clip's name and a marker, because the EDL and FCP adapters keep
names and markers but drop metadata; the .otio and .otioz keep the metadata too (shot, revision,
render, manifest hash, image hash).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import opentimelineio as otio

FPS = 24
DEFAULT_SHOT_SECONDS = 2.0  # a shot revision without a duration holds for this long in a cut


def shot_code(episode_number: int, order: int) -> str:
    """Return a shot's code in the cut, e.g. E01_SH010: episode number and the shot's order."""
    return f"E{episode_number:02d}_SH{order:03d}"


def clip_name(shot: dict[str, Any]) -> str:
    """Return a clip's name: its shot code and revision (e.g. "E01_SH010 r2")."""
    return f"{shot['code']} r{shot['revision']}"


def shot_frames(duration: float | None, fps: int = FPS) -> int:
    """Return a shot's length in whole frames (at least one)."""
    return max(1, round((duration if duration else DEFAULT_SHOT_SECONDS) * fps))


def media_name(shot: dict[str, Any]) -> str:
    """Return the file name a shot's render travels under (in an .otioz, and the name editors relink):
    a clip's MP4, else the still's PNG."""
    return f"{shot['code']}_r{shot['revision']}.{'mp4' if shot.get('video_sha256') else 'png'}"


def media_blob(shot: dict[str, Any]) -> str:
    """Return the blob a shot's media is: a clip's MP4, else the still's PNG."""
    return str(shot.get("video_sha256") or shot["image_sha256"])


def cut_timeline(name: str, shots: Sequence[dict[str, Any]], *, metadata: dict[str, Any],
                 media_url: Callable[[dict[str, Any]], str] = media_name, fps: int = FPS) -> otio.schema.Timeline:
    """Return the timeline of a cut's shots ({code, revision, frames, render, image_sha256, …}, in order)."""
    timeline = otio.schema.Timeline(name=name, global_start_time=otio.opentime.RationalTime(0, fps),
                                    metadata={"continuity": metadata})
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for shot in shots:
        frames = _frames(shot["frames"], fps)
        media = otio.schema.ExternalReference(target_url=media_url(shot), available_range=frames)
        media.name = media_name(shot)
        # The EDL adapter would cut the file name to 8 characters (E01_SH01 for SH010 to SH019): name the reel.
        clip = otio.schema.Clip(name=clip_name(shot), media_reference=media, source_range=frames,
                                metadata={"continuity": {key: shot[key] for key in sorted(shot)},
                                          "cmx_3600": {"reel": re.sub("[^A-Za-z0-9]", "", shot["code"])[:8]}})
        clip.markers.append(otio.schema.Marker(
            name=clip_name(shot), color=otio.schema.MarkerColor.GREEN,
            marked_range=_frames(1, fps)))
        track.append(clip)
    return timeline


def _frames(count: int, fps: int) -> otio.opentime.TimeRange:
    """Return the range of the first `count` frames."""
    return otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(count, fps))
