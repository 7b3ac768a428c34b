"""Deterministic PNG files that carry their render manifest and its hash in text chunks."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from PIL import Image, PngImagePlugin

from config.canonical import canonical_hash, canonical_json, sha256_hex

MANIFEST_KEY = "continuity:manifest"
MANIFEST_HASH_KEY = "continuity:manifest_hash"
# Fixed so the same pixels and manifest always compress to the same bytes (with the same zlib).
COMPRESS_LEVEL = 6
PIXEL_MODES = ("L", "RGB", "RGBA")


def encode_png(image: Image.Image, *, manifest: dict[str, Any], manifest_hash: str) -> bytes:
    """Encode `image` as PNG with the canonical manifest and its hash as iTXt chunks."""
    text = canonical_json(manifest)
    if sha256_hex(text) != manifest_hash:
        raise ValueError("manifest_hash is not the canonical hash of the manifest")
    info = PngImagePlugin.PngInfo()
    info.add_itxt(MANIFEST_KEY, text.decode("utf-8"))
    info.add_itxt(MANIFEST_HASH_KEY, manifest_hash)
    buffer = io.BytesIO()
    _bare_pixels(image).save(buffer, format="PNG", pnginfo=info, compress_level=COMPRESS_LEVEL, optimize=False)
    return buffer.getvalue()


def _bare_pixels(image: Image.Image) -> Image.Image:
    # A fresh image drops info (ICC profile, dpi, gamma) that Pillow would otherwise copy into chunks.
    pixels = image if image.mode in PIXEL_MODES else image.convert("RGB")
    return Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())


def read_png_manifest(data: bytes) -> tuple[dict[str, Any], str]:
    """Return the manifest and hash stored in a PNG, checking the hash against the manifest."""
    text = _png_text(data)
    if MANIFEST_KEY not in text or MANIFEST_HASH_KEY not in text:
        raise ValueError(f"PNG carries no {MANIFEST_KEY!r} and {MANIFEST_HASH_KEY!r} text chunks")
    try:
        manifest = json.loads(text[MANIFEST_KEY])
    except ValueError as error:
        raise ValueError(f"PNG {MANIFEST_KEY!r} chunk is not JSON: {error}") from None
    stored_hash = str(text[MANIFEST_HASH_KEY])
    if canonical_hash(manifest) != stored_hash:
        raise ValueError("PNG manifest does not match its manifest_hash: the file was altered")
    return manifest, stored_hash


def _png_text(data: bytes) -> dict[str, str]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if not isinstance(image, PngImagePlugin.PngImageFile):
                raise ValueError(f"expected a PNG, got {image.format}")
            image.load()
            return dict(image.text)
    except (OSError, SyntaxError) as error:
        raise ValueError(f"not a readable PNG: {error}") from None


def pixels_sha256(image: Image.Image) -> str:
    """Return a SHA-256 over the mode, size and raw pixel bytes of `image`."""
    header = f"{image.mode}:{image.width}x{image.height}:".encode()
    return hashlib.sha256(header + image.tobytes()).hexdigest()
