from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from config.canonical import canonical_hash
from generation.pngmeta import encode_png, pixels_sha256, read_png_manifest

MANIFEST = {"backend": "previz", "seed": 7, "title": "Ünder the pier"}


def _image() -> Image.Image:
    image = Image.new("RGB", (8, 4), (10, 20, 30))
    image.putpixel((3, 2), (200, 100, 0))
    return image


def test_png_round_trip_returns_the_manifest_hash_and_pixels() -> None:
    # given
    manifest_hash = canonical_hash(MANIFEST)

    # when
    data = encode_png(_image(), manifest=MANIFEST, manifest_hash=manifest_hash)
    manifest, stored_hash = read_png_manifest(data)

    # then
    assert (manifest, stored_hash) == (MANIFEST, manifest_hash)
    assert pixels_sha256(Image.open(io.BytesIO(data))) == pixels_sha256(_image())


def test_same_pixels_and_manifest_encode_to_the_same_bytes() -> None:
    # given
    manifest_hash = canonical_hash(MANIFEST)
    image = _image()
    image.info["dpi"] = (300, 300)

    # when
    first = encode_png(_image(), manifest=MANIFEST, manifest_hash=manifest_hash)
    second = encode_png(image, manifest=dict(reversed(MANIFEST.items())), manifest_hash=manifest_hash)

    # then
    assert first == second


def test_a_manifest_altered_after_encoding_is_detected() -> None:
    # given
    info = PngImagePlugin.PngInfo()
    info.add_itxt("continuity:manifest", '{"backend":"previz","seed":8,"title":"Ünder the pier"}')
    info.add_itxt("continuity:manifest_hash", canonical_hash(MANIFEST))
    buffer = io.BytesIO()
    _image().save(buffer, format="PNG", pnginfo=info)

    # when / then
    with pytest.raises(ValueError, match="does not match its manifest_hash"):
        read_png_manifest(buffer.getvalue())


def test_a_png_without_a_manifest_is_refused() -> None:
    # given
    buffer = io.BytesIO()
    _image().save(buffer, format="PNG")

    # when / then
    with pytest.raises(ValueError, match="carries no 'continuity:manifest'"):
        read_png_manifest(buffer.getvalue())


def test_encoding_refuses_a_hash_that_is_not_the_manifest_hash() -> None:
    # given
    wrong_hash = canonical_hash({"seed": 8})

    # when / then
    with pytest.raises(ValueError, match="not the canonical hash"):
        encode_png(_image(), manifest=MANIFEST, manifest_hash=wrong_hash)


def test_pixels_sha256_depends_on_mode_size_and_pixels() -> None:
    # given
    image = _image()

    # when
    digests = {pixels_sha256(image), pixels_sha256(image.convert("RGBA")), pixels_sha256(image.resize((4, 8)))}

    # then
    assert len(digests) == 3
    assert pixels_sha256(image) == pixels_sha256(_image())
