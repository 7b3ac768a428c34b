"""Delivery errors."""

from __future__ import annotations

from config.errors import RuleViolation


class ShotNotRendered(RuleViolation):
    """Raised when a cut to export has a shot revision with no render yet."""

    code = "shot_not_rendered"
