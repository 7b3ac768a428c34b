"""What a worker stores and records for a clip: its MP4 beside the poster, and a reproduction's comparison."""

from __future__ import annotations

from typing import Any

from assets.images import ImageInfo
from assets.services import MadeBlob, blob_store_made
from config.errors import DomainError
from eventlog.canonical import sha256_hex
from generation.clips import Clip, clip_comparison, clip_differences
from generation.errors import PermanentRenderError
from generation.events import ReproductionCompared
from generation.models import Render
from generation.rendering import read_blob
from generation.video import CONTENT_TYPE


def clip_store(clip: Clip, *, studio_id: str, poster: MadeBlob) -> tuple[list[MadeBlob], dict[str, Any]]:
    """Store a clip's MP4 durably (its poster is stored like a still's PNG); return it and the render's media."""
    try:
        video = blob_store_made(studio_id=studio_id, data=clip.video,
                                info=ImageInfo(content_type=CONTENT_TYPE, width=clip.width, height=clip.height))
    except DomainError as error:
        raise PermanentRenderError(f"the clip cannot be stored: {error.message}") from None
    return [video], clip.media(video_sha256=video.sha256, poster_sha256=poster.sha256)


def clip_reproduction(
    *, job_id: str, index: int, recorded: Render, clip: Clip, environment: list[dict[str, Any]],
) -> ReproductionCompared:
    """Compare a reproduced clip with the recorded render's MP4, file and frames, naming what differs and why."""
    media = recorded.media or {}
    if "video_sha256" not in media:
        raise PermanentRenderError("the recorded render of this clip manifest has no video")
    compared = clip_comparison(media, read_blob(media["video_sha256"]), clip)
    return ReproductionCompared(
        job_id=job_id, index=index, render_id=str(recorded.id), identical=compared["file_identical"],
        recorded_sha256=media["video_sha256"], reproduced_sha256=sha256_hex(clip.video),
        environment=[*environment, *clip_differences(recorded.manifest)], clip=compared)
