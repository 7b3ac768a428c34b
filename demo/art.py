"""Flat reference illustrations for the demo studio, drawn with Pillow: deterministic, no downloads."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

from PIL import Image, ImageColor, ImageDraw

RGB = tuple[int, int, int]
# Drawn at twice the size and downsampled, which anti-aliases every edge.
SUPERSAMPLE = 2
PORTRAIT_SIZE = (256, 256)
SCENE_SIZE = (384, 216)
SKIN_TONES = ("#f1c9a5", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#a86b3c")
HAIR_COLOURS = ("#2b1b12", "#4a2f1b", "#a0522d", "#d8b26e", "#1c1c24", "#b5b5b5")
SKIES = {
    "dawn": ("#3b4a7a", "#f3a683", "#f7d794"),
    "day": ("#4a90d9", "#8ec5f0", "#d6eefc"),
    "dusk": ("#2d1e4f", "#b0476b", "#f7a35c"),
    "night": ("#05070f", "#101a38", "#22305a"),
}


def character_portrait(name: str, palette: list[str], seed: int, *, scarf: str | None = None) -> bytes:
    """Draw a head-and-shoulders portrait in the character's palette (with a scarf of that colour if given)."""
    rng = random.Random(f"portrait:{name}:{seed}")
    colours = _palette(palette)
    canvas, draw, unit = _canvas(PORTRAIT_SIZE, _mix(colours[0], (255, 255, 255), 0.55))
    _stripes(draw, PORTRAIT_SIZE, _mix(colours[0], (255, 255, 255), 0.35), unit)
    skin, hair = _rgb(rng.choice(SKIN_TONES)), _rgb(rng.choice(HAIR_COLOURS))
    cx = 128 + rng.randint(-6, 6)
    _shoulders(draw, cx, colours[1], colours[2], unit)
    draw.rectangle(_box(cx - 16, 150, cx + 16, 192, unit), fill=_mix(skin, (0, 0, 0), 0.12))
    _hair_back(draw, cx, hair, rng.choice(("short", "long", "bun")), unit)
    draw.ellipse(_box(cx - 46, 60, cx + 46, 170, unit), fill=skin)
    _hair_front(draw, cx, hair, rng.randint(0, 2), unit)
    _face(draw, cx, skin, rng, unit)
    if scarf:
        _scarf(draw, cx, _rgb(scarf), unit)
    return _png(canvas, PORTRAIT_SIZE)


def costume_sheet(name: str, palette: list[str], seed: int) -> bytes:
    """Draw a costume turnaround card: the garment flat, with its palette swatches below."""
    rng = random.Random(f"costume:{name}:{seed}")
    colours = _palette(palette)
    canvas, draw, unit = _canvas(PORTRAIT_SIZE, (244, 240, 230))
    _grid(draw, PORTRAIT_SIZE, (228, 222, 208), 16, unit)
    body, trim = colours[0], colours[1]
    hem = rng.randint(180, 200)
    flare = rng.randint(0, 14)
    coat = [(96, 40), (160, 40), (206, 70), (224, 140), (200, 148), (184, 100), (180 + flare, hem), (76 - flare, hem)]
    coat += [(72, 100), (56, 148), (32, 140), (50, 70)]
    draw.polygon(_points(coat, unit), fill=body, outline=_mix(body, (0, 0, 0), 0.45), width=3 * unit)
    draw.polygon(_points([(108, 40), (128, 76), (148, 40)], unit), fill=trim)
    draw.rectangle(_box(76 - flare // 2, 128, 180 + flare // 2, 140, unit), fill=_mix(trim, (0, 0, 0), 0.3))
    for row in range(4):
        draw.ellipse(_box(124, 88 + row * 22, 132, 96 + row * 22, unit), fill=trim)
    _swatches(draw, colours[: len(palette)], unit)
    return _png(canvas, PORTRAIT_SIZE)


def prop_sketch(name: str, palette: list[str], seed: int) -> bytes:
    """Draw a prop study on squared paper: a lantern, key, compass or chest, chosen by name or seed."""
    rng = random.Random(f"prop:{name}:{seed}")
    colours = _palette(palette)
    canvas, draw, unit = _canvas(PORTRAIT_SIZE, (250, 247, 238))
    _grid(draw, PORTRAIT_SIZE, (214, 226, 236), 16, unit)
    shape = next((kind for kind in PROPS if kind in name.lower()), rng.choice(sorted(PROPS)))
    draw.ellipse(_box(58, 214, 198, 232, unit), fill=(222, 216, 204))
    PROPS[shape](draw, colours, rng, unit)
    return _png(canvas, PORTRAIT_SIZE)


def scene_plate(name: str, time_of_day: str, palette: list[str], seed: int) -> bytes:
    """Draw a harbour plate: sky for the time of day, far hills, water, a pier and moored boats."""
    rng = random.Random(f"scene:{name}:{time_of_day}:{seed}")
    colours = _palette(palette)
    sky = tuple(_rgb(colour) for colour in SKIES.get(time_of_day, SKIES["dusk"]))
    canvas, draw, unit = _canvas(SCENE_SIZE, sky[0])
    horizon = 128 + rng.randint(-8, 8)
    _vertical_gradient(draw, (0, 0, 384, horizon), sky, unit)
    _sky_light(draw, time_of_day, horizon, sky, rng, unit)
    _hills(draw, horizon, _mix(sky[0], colours[0], 0.35), rng, unit)
    _water(draw, horizon, sky, rng, unit)
    _pier(draw, horizon, _mix(colours[1], (30, 20, 10), 0.5), rng, unit)
    for index in range(rng.randint(2, 3)):
        x = 150 + index * 80 + rng.randint(-12, 12)
        _boat(draw, x, horizon + 30 + index * 14 + rng.randint(0, 8), colours[index % len(colours)], unit)
    return _png(canvas, SCENE_SIZE)


def _palette(palette: Sequence[str]) -> list[RGB]:
    if not palette:
        raise ValueError("a palette needs at least one colour")
    # Drawings use up to three colours; a shorter palette repeats.
    return [_rgb(palette[index % len(palette)]) for index in range(max(3, len(palette)))]


def _rgb(colour: str) -> RGB:
    red, green, blue = ImageColor.getrgb(colour)[:3]
    return (red, green, blue)


def _mix(first: RGB, second: RGB, amount: float) -> RGB:
    red, green, blue = (round(a + (b - a) * amount) for a, b in zip(first, second, strict=True))
    return (red, green, blue)


def _canvas(size: tuple[int, int], background: RGB) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    canvas = Image.new("RGB", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), background)
    return canvas, ImageDraw.Draw(canvas), SUPERSAMPLE


def _png(canvas: Image.Image, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    canvas.resize(size, Image.Resampling.LANCZOS).save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _box(left: float, top: float, right: float, bottom: float, unit: int) -> list[float]:
    return [left * unit, top * unit, right * unit, bottom * unit]


def _points(points: Sequence[tuple[float, float]], unit: int) -> list[tuple[float, float]]:
    return [(x * unit, y * unit) for x, y in points]


def _stripes(draw: ImageDraw.ImageDraw, size: tuple[int, int], colour: RGB, unit: int) -> None:
    for x in range(-size[1], size[0], 24):
        draw.line(_points([(x, size[1]), (x + size[1], 0)], unit), fill=colour, width=8 * unit)


def _grid(draw: ImageDraw.ImageDraw, size: tuple[int, int], colour: RGB, step: int, unit: int) -> None:
    for x in range(0, size[0], step):
        draw.line(_points([(x, 0), (x, size[1])], unit), fill=colour, width=unit)
    for y in range(0, size[1], step):
        draw.line(_points([(0, y), (size[0], y)], unit), fill=colour, width=unit)


def _shoulders(draw: ImageDraw.ImageDraw, cx: int, cloth: RGB, trim: RGB, unit: int) -> None:
    draw.rounded_rectangle(_box(cx - 92, 176, cx + 92, 300, unit), radius=48 * unit, fill=cloth)
    draw.polygon(_points([(cx - 24, 178), (cx, 214), (cx + 24, 178)], unit), fill=trim)
    draw.line(_points([(cx, 214), (cx, 256)], unit), fill=_mix(cloth, (0, 0, 0), 0.35), width=3 * unit)


def _scarf(draw: ImageDraw.ImageDraw, cx: int, colour: RGB, unit: int) -> None:
    # Wound round the neck, one end hanging over the chest: the season-2 look of the demo's Mei.
    shade = _mix(colour, (0, 0, 0), 0.3)
    draw.rounded_rectangle(_box(cx - 58, 164, cx + 58, 200, unit), radius=16 * unit, fill=colour, outline=shade,
                           width=2 * unit)
    draw.polygon(_points([(cx + 14, 190), (cx + 46, 190), (cx + 52, 262), (cx + 22, 266)], unit), fill=colour,
                 outline=shade, width=2 * unit)
    for x in range(cx + 24, cx + 52, 8):
        draw.line(_points([(x, 262), (x + 2, 276)], unit), fill=shade, width=2 * unit)


def _hair_back(draw: ImageDraw.ImageDraw, cx: int, hair: RGB, style: str, unit: int) -> None:
    if style == "long":
        draw.rounded_rectangle(_box(cx - 54, 70, cx + 54, 200, unit), radius=36 * unit, fill=hair)
    elif style == "bun":
        draw.ellipse(_box(cx - 22, 32, cx + 22, 72, unit), fill=hair)
    draw.ellipse(_box(cx - 52, 52, cx + 52, 140, unit), fill=hair)


def _hair_front(draw: ImageDraw.ImageDraw, cx: int, hair: RGB, parting: int, unit: int) -> None:
    draw.chord(_box(cx - 48, 56, cx + 48, 130, unit), start=180, end=360, fill=hair)
    side = (-1, 0, 1)[parting]
    draw.ellipse(_box(cx - 20 + side * 22, 74, cx + 20 + side * 22, 104, unit), fill=hair)


def _face(draw: ImageDraw.ImageDraw, cx: int, skin: RGB, rng: random.Random, unit: int) -> None:
    eye_y = 112 + rng.randint(-3, 3)
    for side in (-1, 1):
        x = cx + side * 18
        draw.ellipse(_box(x - 7, eye_y - 5, x + 7, eye_y + 5, unit), fill=(255, 255, 255))
        draw.ellipse(_box(x - 4, eye_y - 4, x + 4, eye_y + 4, unit), fill=(40, 30, 30))
        draw.line(_points([(x - 9, eye_y - 11), (x + 8, eye_y - 12)], unit), fill=(60, 40, 30), width=3 * unit)
    shade = _mix(skin, (120, 50, 40), 0.35)
    draw.line(_points([(cx, eye_y + 6), (cx - 4, eye_y + 22), (cx + 2, eye_y + 24)], unit), fill=shade, width=2 * unit)
    draw.arc(
        _box(cx - 16, eye_y + 18, cx + 16, eye_y + 40, unit), start=20, end=160, fill=(150, 60, 60), width=3 * unit
    )
    for side in (-1, 1):
        x = cx + side * 30
        draw.ellipse(_box(x - 8, eye_y + 14, x + 8, eye_y + 24, unit), fill=_mix(skin, (230, 110, 110), 0.35))


def _swatches(draw: ImageDraw.ImageDraw, colours: list[RGB], unit: int) -> None:
    width = 216 // max(1, len(colours))
    for index, colour in enumerate(colours):
        left = 20 + index * width
        draw.rectangle(_box(left, 214, left + width - 6, 242, unit), fill=colour, outline=(60, 60, 60), width=unit)


def _lantern(draw: ImageDraw.ImageDraw, colours: list[RGB], rng: random.Random, unit: int) -> None:
    metal, glow = _mix(colours[0], (20, 20, 20), 0.5), (255, 214, 120)
    draw.arc(_box(104, 24, 152, 72, unit), start=180, end=360, fill=metal, width=5 * unit)
    draw.polygon(_points([(92, 70), (164, 70), (152, 54), (104, 54)], unit), fill=metal)
    draw.rectangle(_box(100, 70, 156, 190, unit), fill=glow, outline=metal, width=5 * unit)
    draw.ellipse(_box(116, 100, 140, 150, unit), fill=(255, 250, 220))
    for x in (114, 142):
        draw.line(_points([(x, 70), (x, 190)], unit), fill=metal, width=3 * unit)
    draw.rectangle(_box(92, 190, 164, 212, unit), fill=metal)


def _key(draw: ImageDraw.ImageDraw, colours: list[RGB], rng: random.Random, unit: int) -> None:
    brass = _mix(colours[0], (200, 160, 60), 0.6)
    draw.ellipse(_box(40, 80, 110, 150, unit), outline=brass, width=14 * unit)
    draw.rectangle(_box(106, 108, 214, 122, unit), fill=brass)
    for index in range(rng.randint(2, 3)):
        x = 180 + index * 14
        draw.rectangle(_box(x, 122, x + 9, 148 - index * 6, unit), fill=brass)


def _compass(draw: ImageDraw.ImageDraw, colours: list[RGB], rng: random.Random, unit: int) -> None:
    case = _mix(colours[0], (180, 140, 60), 0.5)
    draw.ellipse(_box(48, 40, 208, 200, unit), fill=case)
    draw.ellipse(_box(62, 54, 194, 186, unit), fill=(246, 240, 222))
    draw.rectangle(_box(118, 24, 138, 42, unit), fill=case)
    angle = rng.choice(((0, -1), (1, -1), (1, 0)))
    tip = (128 + angle[0] * 52, 120 + angle[1] * 52)
    tail = (128 - angle[0] * 52, 120 - angle[1] * 52)
    draw.polygon(_points([tip, (128 - 8 * angle[1], 120 + 8 * angle[0]), tail], unit), fill=(200, 40, 40))
    draw.polygon(_points([tip, (128 + 8 * angle[1], 120 - 8 * angle[0]), tail], unit), fill=(60, 60, 70))
    draw.ellipse(_box(122, 114, 134, 126, unit), fill=case)


def _chest(draw: ImageDraw.ImageDraw, colours: list[RGB], rng: random.Random, unit: int) -> None:
    wood, band = colours[0], _mix(colours[1], (60, 60, 60), 0.4)
    draw.rounded_rectangle(_box(44, 60, 212, 120, unit), radius=30 * unit, fill=_mix(wood, (0, 0, 0), 0.15))
    draw.rectangle(_box(44, 100, 212, 206, unit), fill=wood)
    for x in (64, 178):
        draw.rectangle(_box(x, 62, x + 14, 206, unit), fill=band)
    draw.rectangle(_box(116, 112, 140, 142, unit), fill=(220, 180, 70), outline=(90, 70, 30), width=2 * unit)


PROPS = {"lantern": _lantern, "key": _key, "compass": _compass, "chest": _chest}


def _vertical_gradient(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], stops: Sequence[RGB], unit: int
) -> None:
    left, top, right, bottom = (value * unit for value in box)
    span = max(1, bottom - top - 1)
    for y in range(top, bottom):
        position = (y - top) / span * (len(stops) - 1)
        index = min(int(position), len(stops) - 2)
        draw.line([(left, y), (right, y)], fill=_mix(stops[index], stops[index + 1], position - index))


def _sky_light(
    draw: ImageDraw.ImageDraw, time_of_day: str, horizon: int, sky: Sequence[RGB], rng: random.Random, unit: int
) -> None:
    if time_of_day == "night":
        for _ in range(40):
            x, y = rng.randint(0, 384), rng.randint(0, horizon - 30)
            draw.ellipse(_box(x, y, x + 1.5, y + 1.5, unit), fill=(230, 230, 255))
        draw.ellipse(_box(290, 24, 318, 52, unit), fill=(236, 236, 220))
        return
    x = rng.randint(60, 320)
    sun = (255, 240, 200) if time_of_day == "day" else _mix(sky[2], (255, 255, 230), 0.5)
    low = time_of_day in ("dawn", "dusk")
    y = horizon - 26 if low else 36
    draw.ellipse(_box(x - 30, y - 30, x + 30, y + 30, unit), fill=_mix(sun, sky[1], 0.6))
    draw.ellipse(_box(x - 20, y - 20, x + 20, y + 20, unit), fill=sun)


def _hills(draw: ImageDraw.ImageDraw, horizon: int, colour: RGB, rng: random.Random, unit: int) -> None:
    points = [(0, horizon)]
    for x in range(0, 400, 32):
        points.append((x, horizon - rng.randint(6, 26)))
    points.append((384, horizon))
    draw.polygon(_points(points, unit), fill=colour)
    roofs = _mix(colour, (0, 0, 0), 0.3)
    for _ in range(9):
        x, height = rng.randint(10, 370), rng.randint(6, 14)
        draw.rectangle(_box(x, horizon - height, x + rng.randint(8, 16), horizon, unit), fill=roofs)


def _water(draw: ImageDraw.ImageDraw, horizon: int, sky: Sequence[RGB], rng: random.Random, unit: int) -> None:
    deep, near = _mix(sky[0], (10, 30, 60), 0.5), _mix(sky[1], (10, 40, 70), 0.55)
    _vertical_gradient(draw, (0, horizon, 384, 216), (near, deep), unit)
    glint = _mix(sky[2], (255, 255, 255), 0.2)
    for _ in range(36):
        x, y = rng.randint(0, 370), rng.randint(horizon + 4, 212)
        length = rng.randint(6, 10 + (y - horizon) // 3)
        draw.line(_points([(x, y), (x + length, y)], unit), fill=_mix(glint, deep, 0.45), width=unit)


def _pier(draw: ImageDraw.ImageDraw, horizon: int, wood: RGB, rng: random.Random, unit: int) -> None:
    deck = horizon + 22
    draw.polygon(_points([(0, deck), (120, deck + 4), (120, deck + 10), (0, deck + 12)], unit), fill=wood)
    for x in range(6, 120, 18):
        draw.rectangle(_box(x, deck + 6, x + 5, min(216, deck + 40 + x // 6), unit), fill=_mix(wood, (0, 0, 0), 0.3))
    draw.rectangle(_box(108, deck - 22, 113, deck + 4, unit), fill=wood)
    draw.ellipse(_box(103, deck - 30, 118, deck - 18, unit), fill=(255, 220, 140))


def _boat(draw: ImageDraw.ImageDraw, x: int, waterline: int, colour: RGB, unit: int) -> None:
    hull = [(x - 30, waterline - 10), (x + 34, waterline - 10), (x + 24, waterline), (x - 22, waterline)]
    draw.polygon(_points(hull, unit), fill=colour, outline=_mix(colour, (0, 0, 0), 0.5), width=unit)
    draw.line(_points([(x, waterline - 10), (x, waterline - 62)], unit), fill=(70, 50, 40), width=2 * unit)
    sail = [(x + 3, waterline - 60), (x + 3, waterline - 14), (x + 30, waterline - 14)]
    draw.polygon(_points(sail, unit), fill=(242, 236, 220))
    draw.line(_points([(x - 26, waterline + 3), (x + 22, waterline + 3)], unit), fill=_mix(colour, (0, 0, 0), 0.6))
