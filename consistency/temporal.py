"""A clip's frames for scoring: a fixed, evenly spaced sample, and how alike the sampled frames stay.

Temporal consistency follows VBench's subject consistency: each frame's whole-frame embedding is
compared with the first frame's (does the subject stay the one it started as) and with the previous
frame's (does it flicker), and each comparison is averaged over the frames after the first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SAMPLED_FRAMES = 8  # enough to see drift across a clip, few enough that a clip costs a handful of stills


def sampled_indices(total: int, count: int = SAMPLED_FRAMES) -> list[int]:
    """Return up to `count` frame indices spread evenly from the first frame to the last (the same every time)."""
    if total <= count:
        return list(range(total))
    return sorted({round(i * (total - 1) / (count - 1)) for i in range(count)})


def temporal_consistency(frames: np.ndarray, indices: list[int]) -> dict[str, Any]:
    """Return the mean cosine similarity of each sampled frame to the first and to the previous (unit vectors)."""
    if len(frames) < 2:
        return {"to_first": 1.0, "to_previous": 1.0, "frames": indices}
    to_first = frames[1:] @ frames[0]
    to_previous = np.sum(frames[1:] * frames[:-1], axis=1)
    return {"to_first": round(float(to_first.mean()), 4), "to_previous": round(float(to_previous.mean()), 4),
            "frames": indices}
