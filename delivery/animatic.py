"""The animatic: a cut's renders at their durations as an H.264 MP4, encoded through PyAV's bundled FFmpeg.

Each still is letterboxed into the frame, optionally burnt in with its shot code and revision, and
encoded once per frame it lasts; a clip plays its own frames (sampled at the animatic's rate, its
last frame held when the cut gives the shot longer than the clip). At a constant frame rate, a
player (or a test) decodes exactly the cut's duration × fps frames. x264 with fixed settings and
the muxer in bitexact mode give the same bytes on a second export from the same environment;
`encoder_details` records what those depend on.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import av
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1280, 720
CODEC = "libx264"
# ultrafast: a still repeated for seconds leaves x264 nothing to search for; stillimage tunes for held frames.
CODEC_OPTIONS = {"preset": "ultrafast", "tune": "stillimage", "crf": "20"}
PIXEL_FORMAT = "yuv420p"
CONTAINER_OPTIONS = {"fflags": "+bitexact"}  # no muxer version string or creation time in the file


@dataclass(frozen=True)
class Still:
    """One shot of the animatic: its PNG, how many frames it holds, its burn-in label, and a clip's MP4."""

    png: bytes
    frames: int
    label: str
    clip: bytes | None = None  # a clip render's MP4: its frames play instead of the poster
    clip_fps: int = 0


def encode_animatic(stills: Sequence[Still], *, fps: int, burn_in: bool, width: int = WIDTH, height: int = HEIGHT,
                    progress: Callable[[int, int], None] | None = None) -> bytes:
    """Return the MP4 of the stills in order; `progress(frames done, frames in all)` after each still."""
    total = sum(still.frames for still in stills)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4", options=CONTAINER_OPTIONS) as container:
        stream: av.VideoStream = container.add_stream(CODEC, rate=fps, options=CODEC_OPTIONS)  # type: ignore[assignment]
        stream.width, stream.height, stream.pix_fmt = width, height, PIXEL_FORMAT
        done = 0
        for still in stills:
            pictures = _pictures(still, fps)
            for index in range(still.frames):
                if index < len(pictures):  # past the last picture, it holds (a still has one)
                    frame = av.VideoFrame.from_image(_frame_image(pictures[index], still.label, width, height,
                                                                  burn_in)).reformat(format=PIXEL_FORMAT)
                frame.pts = done
                container.mux(stream.encode(frame))
                done += 1
            if progress is not None:
                progress(done, total)
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _pictures(still: Still, fps: int) -> list[Image.Image]:
    """The shot's pictures, one per animatic frame it plays: the still alone, or the clip's frames at `fps`."""
    if still.clip is None:
        with Image.open(io.BytesIO(still.png)) as source:
            return [source.convert("RGB")]
    with av.open(io.BytesIO(still.clip), "r") as container:
        decoded = [frame.to_image() for frame in container.decode(video=0)]
    step = (still.clip_fps or fps) / fps  # clip frames per animatic frame
    count = min(still.frames, max(1, round(len(decoded) / step)))
    return [decoded[min(int(index * step), len(decoded) - 1)] for index in range(count)]


def _frame_image(picture: Image.Image, label: str, width: int, height: int, burn_in: bool) -> Image.Image:
    scale = min(width / picture.width, height / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    canvas = Image.new("RGB", (width, height), (0, 0, 0))
    canvas.paste(picture.resize(size, Image.Resampling.LANCZOS), ((width - size[0]) // 2, (height - size[1]) // 2))
    if burn_in:
        draw = ImageDraw.Draw(canvas)
        font = ImageFont.load_default(size=max(12, height // 24))
        margin = height // 36
        box = draw.textbbox((margin, margin), label, font=font)
        draw.rectangle((box[0] - 6, box[1] - 4, box[2] + 6, box[3] + 4), fill=(0, 0, 0))
        draw.text((margin, margin), label, font=font, fill=(255, 255, 255))
    return canvas


def encoder_details(*, fps: int, width: int = WIDTH, height: int = HEIGHT, burn_in: bool) -> dict[str, Any]:
    """Return the settings and library versions an animatic's bytes depend on."""
    import PIL

    return {"codec": CODEC, "codec_options": CODEC_OPTIONS, "pixel_format": PIXEL_FORMAT, "fps": fps,
            "width": width, "height": height, "container": "mp4", "container_options": CONTAINER_OPTIONS,
            "burn_in": burn_in, "pyav": av.__version__, "ffmpeg": av.ffmpeg_version_info,
            "libraries": {name: ".".join(map(str, v)) for name, v in sorted(av.library_versions.items())},
            "pillow": PIL.__version__}
