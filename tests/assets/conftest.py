"""Asset fixtures: small Pillow-made images and assets created through the services."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image


@pytest.fixture
def image_bytes() -> Callable[..., bytes]:
    """Return a maker of small valid images (PNG by default); `seed` changes the pixels."""

    def make(seed: int = 0, *, fmt: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
        image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
        out = io.BytesIO()
        image.save(out, format=fmt)
        return out.getvalue()

    return make


@pytest.fixture
def upload(studio: Any, admin_user: Any, image_bytes: Callable[..., bytes]) -> Callable[[int], str]:
    """Store a small PNG for `studio` and return its SHA-256."""
    from assets.services import blob_store

    def store(seed: int = 0) -> str:
        return blob_store(actor=admin_user, studio_id=str(studio.id), data=image_bytes(seed)).sha256

    return store


@pytest.fixture
def make_asset(studio: Any, admin_user: Any) -> Callable[..., Any]:
    """Create an asset in `studio` through the service (a character by default)."""
    from assets.services import asset_create

    def make(name: str = "Mara", kind: str = "character", attributes: dict | None = None, **kwargs: Any) -> Any:
        attrs = {"description": f"{name}, a test {kind}"} if attributes is None else attributes
        return asset_create(actor=admin_user, studio_id=str(studio.id), kind=kind, name=name, attributes=attrs,
                            **kwargs)

    return make
