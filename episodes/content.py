"""The fields of a shot revision and their bounds: one cleaner used by creation and revision alike.

A revision is stored whole (every field, every exact pin) so that it can be rendered, hashed into a
cut and compared without reading any earlier revision.
"""

from __future__ import annotations

import uuid
from typing import Any

from episodes.errors import InvalidShot

MIN_SIZE, MAX_SIZE, SIZE_STEP = 64, 2048, 8
MIN_STEPS, MAX_STEPS = 1, 150
MAX_GUIDANCE = 30.0
MAX_SEED = 2**63 - 1
MAX_DURATION = 3600.0
MAX_ORDER = 1_000_000
DEFAULT_GUIDANCE = 7.5
# A shot of one frame is a still; more make a clip (up to a minute at 24 fps).
MAX_FRAMES, MAX_FPS = 1440, 120
DEFAULT_FRAMES, DEFAULT_FPS = 1, 24

# field → (max length, required non-empty)
TEXT_FIELDS: dict[str, tuple[int, bool]] = {
    "title": (200, False),
    "description": (5000, False),
    "prompt": (4000, True),
    "negative_prompt": (4000, False),
    "camera": (2000, False),
}
NUMBER_FIELDS = ("order", "duration", "seed", "width", "height", "steps", "guidance", "frames", "fps")
CONTENT_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, "model", "cast")
REQUIRED_ON_CREATE = ("prompt", "seed", "width", "height", "steps", "model", "cast")


def content_clean(values: dict[str, Any]) -> dict[str, Any]:
    """Return cleaned shot fields (all but `cast`, which casting resolves), or raise InvalidShot."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "cast":
            continue
        checker = _CHECKS.get(name)
        if checker is None:
            errors[name] = ["Unknown shot field."]
            continue
        problem, result = checker(name, value)
        if problem:
            errors[name] = [problem]
        else:
            cleaned[name] = result
    if errors:
        name, problems = next(iter(errors.items()))
        raise InvalidShot(f"{name}: {problems[0]}", fields=errors)
    return cleaned


def _text(name: str, value: Any) -> tuple[str | None, Any]:
    limit, required = TEXT_FIELDS[name]
    if value is None and not required:
        return None, ""
    if not isinstance(value, str) or len(value) > limit:
        return f"Must be a string of at most {limit} characters.", None
    if required and not value.strip():
        return "Must not be empty.", None
    return None, value


def _int(value: Any, low: int, high: int) -> tuple[str | None, Any]:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"Must be an integer from {low} to {high}.", None
    return None, value


def _size(name: str, value: Any) -> tuple[str | None, Any]:
    problem, result = _int(value, MIN_SIZE, MAX_SIZE)
    if problem or value % SIZE_STEP:
        return f"Must be a multiple of {SIZE_STEP} from {MIN_SIZE} to {MAX_SIZE}.", None
    return None, result


def _number(value: Any, low: float, high: float, *, low_open: bool = False) -> tuple[str | None, Any]:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    if not ok or value > high or value < low or (low_open and value == low):
        return f"Must be a number {'above' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} " \
               f"{high:g}.", None
    return None, float(value)


def _duration(name: str, value: Any) -> tuple[str | None, Any]:
    return (None, None) if value is None else _number(value, 0.0, MAX_DURATION, low_open=True)


def _model(name: str, value: Any) -> tuple[str | None, Any]:
    try:
        return None, str(uuid.UUID(str(value)))
    except ValueError:
        return "Must be a render model id.", None


_CHECKS: dict[str, Any] = {
    **{name: _text for name in TEXT_FIELDS},
    "order": lambda name, value: _int(value, 0, MAX_ORDER),
    "seed": lambda name, value: _int(value, 0, MAX_SEED),
    "steps": lambda name, value: _int(value, MIN_STEPS, MAX_STEPS),
    "guidance": lambda name, value: _number(value, 0.0, MAX_GUIDANCE),
    "frames": lambda name, value: _int(value, 1, MAX_FRAMES),
    "fps": lambda name, value: _int(value, 1, MAX_FPS),
    "width": _size,
    "height": _size,
    "duration": _duration,
    "model": _model,
}


def content_missing(values: dict[str, Any]) -> None:
    """Refuse a new shot that lacks a required field."""
    missing = {name: ["This field is required."] for name in REQUIRED_ON_CREATE if values.get(name) is None}
    if missing:
        raise InvalidShot(f"{next(iter(missing))}: This field is required.", fields=missing)


def content_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Return a first revision's content with the optional fields filled in."""
    base: dict[str, Any] = {name: "" for name in TEXT_FIELDS}
    base.update(duration=None, guidance=DEFAULT_GUIDANCE, frames=DEFAULT_FRAMES, fps=DEFAULT_FPS)
    return {**base, **values}
