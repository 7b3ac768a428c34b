"""Image checks with Pillow: what an upload really is (decoded, not named), and its thumbnail."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from assets.errors import InvalidImage

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
THUMBNAIL_SIZE = 256


@dataclass(frozen=True)
class ImageInfo:
    """What Pillow found in a valid upload."""

    content_type: str
    width: int
    height: int


def image_inspect(data: bytes) -> ImageInfo:
    """Decode an upload fully and return its format and size; raise InvalidImage for anything else."""
    max_pixels = settings.BLOB_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat the warning as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format, image.size
                if fmt not in CONTENT_TYPES:
                    raise InvalidImage(f"Only PNG, JPEG and WebP images are accepted, not {fmt}.",
                                       fields={"file": ["Unsupported image format."]})
                # The header gives the size before any pixel is decoded: refuse bombs here.
                if width * height > max_pixels:
                    raise _bomb(width, height, max_pixels)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidImage("The image is a decompression bomb (too many pixels).",
                           fields={"file": ["Too many pixels."]}) from None
    except UnidentifiedImageError:
        raise InvalidImage("The file is not an image.", fields={"file": ["Not a PNG, JPEG or WebP image."]}) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InvalidImage(f"The image is corrupt: {exc}.", fields={"file": ["Corrupt image."]}) from None
    return ImageInfo(content_type=CONTENT_TYPES[fmt], width=width, height=height)


def image_header(data: bytes) -> ImageInfo:
    """Return the format and size of an image this system encoded itself, from its header alone.

    The full decode of image_inspect guards against what clients send; an image that Pillow just
    wrote from pixels needs no second opinion. Image.open is lazy: it reads the header (for a PNG,
    the chunks before the pixels, where a render's manifest lies) and decodes no pixel until load().
    """
    with Image.open(io.BytesIO(data)) as image:
        return ImageInfo(content_type=CONTENT_TYPES[image.format or ""], width=image.width, height=image.height)


def _bomb(width: int, height: int, max_pixels: int) -> InvalidImage:
    return InvalidImage(f"The image has {width}x{height} pixels, more than the limit of {max_pixels}.",
                        fields={"file": ["Too many pixels (decompression bomb)."]})


def image_thumbnail(data: bytes) -> bytes:
    """Return a WebP thumbnail at most 256 px on its longest side (deterministic for the same input)."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        converted = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        out = io.BytesIO()
        converted.save(out, format="WEBP", quality=80, method=4)
        return out.getvalue()
