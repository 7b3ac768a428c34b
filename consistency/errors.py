"""Consistency errors."""

from __future__ import annotations

from config.errors import InvalidInput


class EmbedderInvalid(InvalidInput):
    """Raised when a studio names an embedder that cannot be loaded here (unknown, or outside MODEL_ROOTS)."""

    code = "invalid_embedder"
