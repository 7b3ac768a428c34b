"""A storyboard frame drawn with Pillow from the shot's references: no weights, no torch."""

from __future__ import annotations

import dataclasses
import io
import random
import re
from functools import lru_cache
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from generation.backends.base import (
    BackendError,
    CancelledCallback,
    FrameCallback,
    ProgressCallback,
    Reference,
    RenderCancelled,
    RenderRequest,
)

# Bump whenever the drawing changes: old manifests then explain why a reproduction differs.
PREVIZ_VERSION = "1"
# The same for the camera moves of previz clips (recorded in clip manifests only, so stills keep their hashes).
MOTION_VERSION = "1"
# A clip's frame is composed this much larger than the output, so the camera has room to move in it.
PLATE_SCALE = 1.25
# Camera notes name a move in words; the first move found wins, a slow push-in when none is named.
MOVES = (
    ("hold", re.compile(r"\b(static|locked[ -]off|hold)\b")),
    ("pull_out", re.compile(r"\b(pull(s|ing)?[ -](out|back)|zoom(s|ing)?[ -]out|dolly[ -]out)\b")),
    ("push_in", re.compile(r"\b(push(es|ing)?([ -]in)?|zoom(s|ing)?[ -]in|dolly[ -]in)\b")),
    ("pan_left", re.compile(r"\bpan(s|ning)?[ -](to the )?left\b")),
    ("pan_right", re.compile(r"\bpan(s|ning)?([ -](to the )?right)?\b")),
    ("tilt_up", re.compile(r"\btilt(s|ing)?[ -]up\b")),
    ("tilt_down", re.compile(r"\btilt(s|ing)?([ -]down)?\b")),
)
DEFAULT_MOVE = "push_in"
SCENE_KINDS = frozenset({"scene", "location", "background"})
INK = (250, 248, 240)
PANEL = (16, 18, 28, 168)


class PrevizBackend:
    """Compose storyboard frames from reference images, deterministically and in milliseconds."""

    name = "previz"

    def describe(self) -> dict[str, Any]:
        """Return the previz drawing version and the Pillow version that draws it."""
        return {"backend": "previz", "version": PREVIZ_VERSION, "pillow": PIL.__version__}

    def render(
        self,
        request: RenderRequest,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> Image.Image:
        """Draw the storyboard frame for `request`."""
        if cancelled is not None and cancelled():
            raise RenderCancelled("previz render cancelled before it started")
        frame = compose_frame(request)
        if progress is not None:
            progress(1, 1)
        return frame

    def render_frames(
        self,
        request: RenderRequest,
        on_frame: FrameCallback,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> None:
        """Compose the storyboard frame once, larger, and move the camera across it frame by frame."""
        if cancelled is not None and cancelled():
            raise RenderCancelled("previz clip cancelled before it started")
        size = (request.width, request.height)
        plate_size = (round(request.width * PLATE_SCALE), round(request.height * PLATE_SCALE))
        plate = compose_frame(_resized(request, plate_size))
        if progress is not None:
            progress(1, 1)  # one composition: the frames that follow are reported by the caller
        move = camera_move(request.camera)
        for index in range(request.frames):
            on_frame(plate.resize(size, Image.Resampling.BICUBIC, box=_window(move, index, request.frames, plate_size,
                                                                                size)))


def camera_move(notes: str) -> str:
    """Return the camera move that a shot's camera notes name (a slow push-in when they name none)."""
    text = notes.lower()
    # Earliest in the notes first; at the same place the more specific pattern (listed first) wins.
    found = [(match.start(), rank, name) for rank, (name, pattern) in enumerate(MOVES)
             if (match := pattern.search(text))]
    return min(found)[2] if found else DEFAULT_MOVE


def _window(
    move: str, index: int, frames: int, plate: tuple[int, int], size: tuple[int, int]
) -> tuple[float, float, float, float]:
    """Return the box of the plate that frame `index` shows: an eased move from the first frame to the last."""
    t = index / (frames - 1) if frames > 1 else 0.0
    t = t * t * (3 - 2 * t)  # ease in and out, as a camera operator would
    (pw, ph), (w, h) = plate, size
    if move in ("push_in", "pull_out", "hold"):
        zoom = {"push_in": t, "pull_out": 1 - t, "hold": 0.5}[move]
        bw, bh = pw - (pw - w) * zoom, ph - (ph - h) * zoom
        return ((pw - bw) / 2, (ph - bh) / 2, (pw + bw) / 2, (ph + bh) / 2)
    # A pan or tilt shows an output-sized window sliding across the plate, centred on the other axis.
    along = {"pan_left": 1 - t, "pan_right": t, "tilt_up": 1 - t, "tilt_down": t}[move]
    if move.startswith("pan"):
        left, top = (pw - w) * along, (ph - h) / 2
    else:
        left, top = (pw - w) / 2, (ph - h) * along
    return (left, top, left + w, top + h)


def _resized(request: RenderRequest, size: tuple[int, int]) -> RenderRequest:
    return dataclasses.replace(request, width=size[0], height=size[1])


def compose_frame(request: RenderRequest) -> Image.Image:
    """Draw the background plate, the cast row and the title and prompt text of one shot."""
    jitter = random.Random(request.seed)
    scenes = [ref for ref in request.references if _is_scene(ref)]
    cast = [ref for ref in request.references if not _is_scene(ref)]
    size = (request.width, request.height)
    frame = _cover(_decode(scenes[0]), size) if scenes else _gradient(size, jitter)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    _draw_guides(draw, size)
    _draw_text_panel(draw, request, size, jitter)
    _draw_cast(overlay, draw, cast + scenes[1:], size, jitter)
    return Image.alpha_composite(frame.convert("RGBA"), overlay).convert("RGB")


def _is_scene(reference: Reference) -> bool:
    return reference.kind in SCENE_KINDS or reference.role in SCENE_KINDS


def _decode(reference: Reference) -> Image.Image:
    try:
        with Image.open(io.BytesIO(reference.image)) as image:
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise BackendError(f"reference {reference.name!r} is not a readable image: {error}") from None


def _cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return ImageOps.fit(image, size, method=Image.Resampling.BILINEAR, centering=(0.5, 0.5))


def _gradient(size: tuple[int, int], jitter: random.Random) -> Image.Image:
    top = tuple(jitter.randrange(40, 110) for _ in range(3))
    bottom = tuple(jitter.randrange(10, 50) for _ in range(3))
    column = Image.new("RGB", (1, 256))
    column.putdata([tuple(t + (b - t) * y // 255 for t, b in zip(top, bottom, strict=True)) for y in range(256)])
    return column.resize(size, Image.Resampling.BILINEAR)


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


def _line_height(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    return int(font.getbbox("Ag")[3])


def _draw_guides(draw: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
    width, height = size
    for third in (1, 2):
        draw.line([(width * third // 3, 0), (width * third // 3, height)], fill=(255, 255, 255, 40))
        draw.line([(0, height * third // 3), (width, height * third // 3)], fill=(255, 255, 255, 40))
    draw.rectangle([(2, 2), (width - 3, height - 3)], outline=(*INK, 200), width=2)


def _draw_text_panel(
    draw: ImageDraw.ImageDraw, request: RenderRequest, size: tuple[int, int], jitter: random.Random
) -> None:
    width, height = size
    title_font, body_font = _font(max(10, height // 14)), _font(max(8, height // 24))
    margin = max(6, width // 48) + jitter.randint(0, 3)
    lines = _wrap(request.prompt, body_font, width - 2 * margin - 8, max_lines=3)
    line_height, title_height = _line_height(body_font) + 3, _line_height(title_font) + 6
    bottom = margin + title_height + line_height * len(lines) + 6
    draw.rounded_rectangle([(margin - 4, margin - 4), (width - margin + 4, bottom)], radius=6, fill=PANEL)
    title = _fit(request.title or "untitled shot", title_font, width - 2 * margin)
    draw.text((margin, margin), title, font=title_font, fill=(*INK, 255))
    for index, line in enumerate(lines):
        position = (margin, margin + title_height + index * line_height)
        draw.text(position, line, font=body_font, fill=(*INK, 220))


def _wrap(text: str, font: Any, max_width: int, *, max_lines: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + " ..."
    return lines


def _draw_cast(
    overlay: Image.Image,
    draw: ImageDraw.ImageDraw,
    cast: list[Reference],
    size: tuple[int, int],
    jitter: random.Random,
) -> None:
    width, height = size
    thumb, gap = max(24, height // 4), max(4, width // 64)
    font = _font(max(8, height // 28))
    left = gap + jitter.randint(0, 4)
    top = height - thumb - gap - 2 * _line_height(font) - 10
    for reference in cast:
        if left + thumb > width - gap:
            break
        _draw_thumb(overlay, draw, reference, (left, top + jitter.randint(-3, 3)), thumb, font)
        left += thumb + gap + jitter.randint(2, 8)


def _draw_thumb(
    overlay: Image.Image,
    draw: ImageDraw.ImageDraw,
    reference: Reference,
    corner: tuple[int, int],
    thumb: int,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    left, top = corner
    line = _line_height(font) + 2
    caption_bottom = top + thumb + 2 * line + 5
    draw.rectangle([(left - 2, top - 2), (left + thumb + 1, caption_bottom)], fill=(*INK, 255))
    draw.rectangle([(left - 1, top + thumb + 1), (left + thumb, caption_bottom - 1)], fill=(*PANEL[:3], 235))
    overlay.paste(_cover(_decode(reference), (thumb, thumb)).convert("RGBA"), (left, top))
    draw.text((left + 3, top + thumb + 3), _fit(reference.name, font, thumb - 5), font=font, fill=(*INK, 255))
    label = reference.role if reference.role == reference.kind else f"{reference.role} / {reference.kind}"
    role = _fit(label, font, thumb - 5)
    draw.text((left + 3, top + thumb + 3 + line), role, font=font, fill=(*INK, 150))


def _fit(text: str, font: Any, max_width: int) -> str:
    if font.getlength(text) <= max_width:
        return text
    while len(text) > 1 and font.getlength(text + "...") > max_width:
        text = text[:-1]
    return text.rstrip() + "..."
