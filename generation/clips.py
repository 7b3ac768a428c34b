"""Turn a clip manifest (frames > 1) into an MP4 and its poster PNG, and compare a reproduction frame by frame.

Nothing here touches the event log: the worker stores what `render_clip` returns and records it.
A clip manifest differs from a still's only by what clips add: the request's frames, fps and camera
notes, and a `video` section naming the encoder, its settings and the PyAV and FFmpeg versions. A
still's manifest has none of them, so its hash is the one it had before clips existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image

from eventlog.canonical import sha256_hex
from generation.backends import BackendError, RenderCancelled
from generation.backends.base import CancelledCallback, ClipBackend, ProgressCallback
from generation.backends.previz import MOTION_VERSION
from generation.errors import PermanentRenderError
from generation.manifests import render_request
from generation.pngmeta import encode_png, pixels_sha256
from generation.rendering import read_reference
from generation.video import Encoder, decoded_frame_hashes, encoder_description


def is_clip(manifest: dict[str, Any]) -> bool:
    """Return whether a manifest asks for a clip (more than one frame)."""
    return int(manifest.get("request", {}).get("frames", 1)) > 1


def clip_description(backend: str) -> dict[str, Any]:
    """Return the `video` section of a clip manifest rendered by `backend` ("previz" or "diffusers")."""
    described = encoder_description()
    if backend == "previz":
        described["previz_motion"] = MOTION_VERSION  # previz moves the camera itself
    return described


@dataclass(frozen=True)
class Clip:
    """A rendered clip: the MP4, its poster (the first frame as a PNG carrying the manifest) and each
    rendered frame's pixel hash (before encoding, so a reproduction can tell the model from the encoder)."""

    video: bytes
    poster: bytes
    width: int
    height: int
    fps: int
    frame_sha256: list[str]

    def media(self, *, video_sha256: str, poster_sha256: str) -> dict[str, Any]:
        """Return the render's media record once both files are stored."""
        return {"kind": "video", "frames": len(self.frame_sha256), "fps": self.fps, "video_sha256": video_sha256,
                "poster_sha256": poster_sha256, "frame_sha256": self.frame_sha256}


def render_clip(
    manifest: dict[str, Any], manifest_hash: str, backend: Any, *, cancelled: CancelledCallback | None = None,
    progress: ProgressCallback | None = None, frame_progress: ProgressCallback | None = None,
) -> Clip:
    """Render a clip manifest, encoding each frame as it comes; cancellable between steps and frames."""
    try:
        request = render_request(manifest, read_reference)
    except (ValueError, FileNotFoundError) as error:
        raise PermanentRenderError(f"invalid manifest: {error}") from None
    if not hasattr(backend, "render_frames"):
        raise PermanentRenderError(f"the {backend.name} backend renders stills only")
    clip_backend: ClipBackend = backend
    encoder = Encoder(width=request.width, height=request.height, fps=request.fps)
    posters: list[bytes] = []
    hashes: list[str] = []

    def on_frame(image: Image.Image) -> None:
        if not posters:
            posters.append(encode_png(image, manifest=manifest, manifest_hash=manifest_hash))
        encoder.add(image)
        hashes.append(pixels_sha256(image))
        if frame_progress is not None:
            frame_progress(len(hashes), request.frames)
        if cancelled is not None and cancelled():
            raise RenderCancelled(f"clip cancelled after frame {len(hashes)}")

    try:
        clip_backend.render_frames(request, on_frame, progress=progress, cancelled=cancelled)
    except RenderCancelled:
        encoder.abandon()
        raise
    except BackendError as error:
        encoder.abandon()
        raise PermanentRenderError(f"the clip cannot be rendered: {error}") from None
    if len(hashes) != request.frames:
        encoder.abandon()
        raise PermanentRenderError(f"the backend made {len(hashes)} frames of {request.frames}")
    return Clip(video=encoder.finish(), poster=posters[0], width=request.width, height=request.height,
                fps=request.fps, frame_sha256=hashes)


def clip_comparison(media: dict[str, Any], recorded_video: bytes, clip: Clip) -> dict[str, Any]:
    """Compare a reproduced clip with the recorded one: the file, every decoded frame and every rendered
    frame, and say which differs and why."""
    recorded, reproduced = decoded_frame_hashes(recorded_video), decoded_frame_hashes(clip.video)
    decoded = _differing(recorded, reproduced)
    rendered = _differing(list(media.get("frame_sha256", [])), clip.frame_sha256)
    file_identical = sha256_hex(recorded_video) == sha256_hex(clip.video)
    difference, reason = _verdict(file_identical, decoded, rendered, len(recorded))
    return {"difference": difference, "reason": reason, "file_identical": file_identical,
            "frames": len(reproduced), "recorded_frames": len(recorded), "decoded_differing": decoded,
            "rendered_differing": rendered}


def _differing(recorded: list[str], reproduced: list[str]) -> list[int]:
    """Return the indexes of the frames that differ (a frame missing on one side differs)."""
    count = max(len(recorded), len(reproduced))
    return [i for i in range(count) if i >= len(recorded) or i >= len(reproduced) or recorded[i] != reproduced[i]]


def _verdict(file_identical: bool, decoded: list[int], rendered: list[int], frames: int) -> tuple[str, str]:
    if file_identical:
        return "none", f"the file and all {frames} frames are identical"
    if not rendered:
        where = "every decoded frame is identical too" if not decoded else f"{len(decoded)} decoded frame(s) differ"
        return "encoder", (f"every rendered frame is identical but the file differs ({where}): the encoder or "
                           "its container wrote other bytes (compare the manifest's video section)")
    shown = ", ".join(str(i) for i in rendered[:10]) + (" …" if len(rendered) > 10 else "")
    return "frames", f"{len(rendered)} rendered frame(s) differ (frames {shown}): the render itself changed"


def clip_differences(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """List what differs between a clip manifest's recorded encoder and this process's, as `video:<key>`."""
    recorded = manifest.get("video", {})
    current = clip_description(manifest.get("model", {}).get("backend", ""))
    return [{"key": f"video:{key}", "recorded": recorded.get(key), "current": current.get(key)}
            for key in sorted(recorded.keys() | current.keys()) if recorded.get(key) != current.get(key)]
