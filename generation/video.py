"""Encode a clip's frames as H.264 in MP4 through PyAV, byte-identical for the same frames and build.

x264 is deterministic for fixed settings with one thread; the container and codec are told to be
bit-exact so that no library version string or wall-clock time reaches the bytes. A different
FFmpeg or x264 build may still encode the same frames differently: `encoder_description` names
the build, and every clip manifest records it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from typing import Any

from PIL import Image

CONTENT_TYPE = "video/mp4"
CODEC = "libx264"
PIXEL_FORMAT = "yuv420p"
# x264 with more than one thread gives other bytes from run to run; PyAV opens encoders with a thread
# per core unless the codec context says otherwise, so the count is set there and in x264's own params.
CODEC_OPTIONS = {"crf": "18", "preset": "medium", "x264-params": "threads=1:lookahead-threads=1:sliced-threads=0"}
THREADS = 1
CONTAINER_OPTIONS = {"fflags": "+bitexact"}


def encoder_description() -> dict[str, Any]:
    """Return the encoder, its settings and the versions of PyAV and the FFmpeg it bundles."""
    import av

    return {
        "container": "mp4", "codec": CODEC, "pix_fmt": PIXEL_FORMAT, "options": dict(CODEC_OPTIONS), "threads": THREADS,
        "container_options": dict(CONTAINER_OPTIONS), "bitexact": True, "pyav": av.__version__,
        "ffmpeg": av.ffmpeg_version_info,
        "libavcodec": ".".join(str(part) for part in av.library_versions["libavcodec"]),
        "libavformat": ".".join(str(part) for part in av.library_versions["libavformat"]),
    }


class Encoder:
    """An MP4 being written frame by frame into memory (a clip of 64×64 × 48 frames is tens of kB)."""

    def __init__(self, *, width: int, height: int, fps: int) -> None:
        import av

        self._buffer = io.BytesIO()
        self._container = av.open(self._buffer, "w", format="mp4", options=dict(CONTAINER_OPTIONS))
        stream = self._container.add_stream(CODEC, rate=fps, options=dict(CODEC_OPTIONS))
        assert isinstance(stream, av.VideoStream)
        self._stream = stream
        self._stream.width, self._stream.height, self._stream.pix_fmt = width, height, PIXEL_FORMAT
        context = self._stream.codec_context
        context.thread_count, context.thread_type = THREADS, "NONE"
        context.flags |= av.codec.context.Flags.bitexact
        self.frames = 0

    def add(self, image: Image.Image) -> None:
        """Encode one RGB frame."""
        import av

        # Converted here, not inside encode(): that conversion picked other rounding from run to run.
        frame = av.VideoFrame.from_image(image.convert("RGB")).reformat(format=PIXEL_FORMAT)
        frame.pts = self.frames  # one tick of 1/fps per frame, whatever the caller's timing
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def finish(self) -> bytes:
        """Flush the encoder and return the MP4's bytes."""
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
        return self._buffer.getvalue()

    def abandon(self) -> None:
        """Drop a half-written clip (a cancelled render)."""
        self._container.close()


def encode_mp4(frames: Iterable[Image.Image], *, fps: int) -> bytes:
    """Return the MP4 of `frames` (all of one size) at `fps`."""
    frames = list(frames)
    encoder = Encoder(width=frames[0].width, height=frames[0].height, fps=fps)
    for frame in frames:
        encoder.add(frame)
    return encoder.finish()


def decoded_frame_hashes(mp4: bytes) -> list[str]:
    """Return the SHA-256 of every decoded frame's RGB pixels, in order."""
    import av

    with av.open(io.BytesIO(mp4), "r") as container:
        return [hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for frame in container.decode(video=0)]


def decoded_frames(mp4: bytes, indices: Iterable[int]) -> list[Image.Image]:
    """Return the decoded RGB frames at `indices` (in decoding order), stopping after the last one asked for."""
    import av

    wanted = set(indices)
    last = max(wanted, default=-1)
    found: list[Image.Image] = []
    with av.open(io.BytesIO(mp4), "r") as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index in wanted:
                found.append(frame.to_image())
            if index >= last:
                break
    return found
