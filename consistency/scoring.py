"""The arithmetic of a consistency score: crops of a render, best matches, baselines, verdicts.

A cast member rarely fills the frame (a previz thumbnail, a figure on a pier), so a render is
compared as the whole frame and as a fixed grid of square windows, and the best window counts.
The score alone means little: a drawn character looks 0.5 like any other drawn character to
general-purpose features. So each score sits between two anchors: the version's **baseline**
(how alike its own references are, or one reference and light augmentations of it) and a
**floor** (how well the same render matches the studio's other assets of that kind that the shot
does not cast). The verdict comes from where the score falls between them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

WINDOW_DIVISIONS = (2, 3)  # window sides: the short edge / 2 and / 3, sliding by half a side


@dataclass(frozen=True)
class Thresholds:
    """Verdict thresholds on the relative score (0 at the floor, 1 at the baseline)."""

    on_model: float = 0.1
    drifting: float = 0.0
    default_floor: float = 0.45  # used when the studio has no other asset of the kind


def decode(data: bytes) -> Image.Image:
    """Return the RGB image a blob holds."""
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def windows(image: Image.Image) -> list[Image.Image]:
    """Return the whole frame and the fixed grid of overlapping square windows scored against references."""
    width, height = image.size
    crops = [image]
    for division in WINDOW_DIVISIONS:
        side = min(width, height) // division
        if side < 8:
            continue
        stride = max(1, side // 2)
        for left in range(0, width - side + 1, stride):
            for top in range(0, height - side + 1, stride):
                crops.append(image.crop((left, top, left + side, top + side)))
    return crops


def augmentations(image: Image.Image) -> list[Image.Image]:
    """Return light augmentations of one reference: mirrored, cropped in, brighter, lower contrast."""
    width, height = image.size
    inset = (width // 16, height // 16, width - width // 16, height - height // 16)
    return [ImageOps.mirror(image), image.crop(inset), ImageEnhance.Brightness(image).enhance(1.2),
            ImageEnhance.Contrast(image).enhance(0.8)]


def best_match(render: np.ndarray, references: np.ndarray) -> float:
    """Return the highest cosine similarity between any render window and any reference (unit vectors)."""
    return float((render @ references.T).max())


def baseline(references: np.ndarray, augmented: np.ndarray | None) -> float:
    """Return the mean similarity among references (or of one reference to its augmentations)."""
    if len(references) > 1:
        similarity = references @ references.T
        upper = similarity[np.triu_indices(len(references), k=1)]
        return float(upper.mean())
    assert augmented is not None, "one reference needs its augmentations"
    return float((augmented @ references[0]).mean())


def relative(score: float, base: float, floor: float) -> float:
    """Return where the score lies between the floor (0) and the baseline (1)."""
    span = base - floor
    if span <= 1e-6:
        return 0.0 if score < base else 1.0
    return (score - floor) / span


def verdict(rel: float, thresholds: Thresholds) -> str:
    """Return on_model, drifting or off_model for a relative score."""
    if rel >= thresholds.on_model:
        return "on_model"
    if rel >= thresholds.drifting:
        return "drifting"
    return "off_model"


def top_level_cast(cast: Sequence[dict]) -> list[dict]:
    """Return the manifest's cast entries that can be scored: present, with references."""
    return [entry for entry in cast if not entry.get("missing") and entry.get("references")]
