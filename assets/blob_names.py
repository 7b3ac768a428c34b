"""A readable file name for a blob download: what the bytes are to a person (`mei-v2-ref1.png`).

A blob is content-addressed, so its name comes from what refers to it: a reference of an asset version
here, a render (`ep01-sh03-r2.png`) through a namer that generation hands in from its `ready()`, since
assets must not import the apps above it. The first namer that knows the blob wins; else the hash.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable

from django.utils.text import slugify

from assets.models import AssetVersion, Blob

# (sha256, studio ids the caller sees) → a name without extension, or None when the namer does not know it.
BlobNamer = Callable[[str, Iterable[str]], "str | None"]

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
_namers: list[BlobNamer] = []


def blob_namer_add(namer: BlobNamer) -> None:
    """Add a namer asked after the asset references (an app above assets registers it in `ready()`)."""
    if namer not in _namers:
        _namers.append(namer)


def blob_filename(blob: Blob, studio_ids: Iterable[str]) -> str:
    """Return the download name of a blob as the caller's studios know it, with its type's extension."""
    studio_ids = list(studio_ids)
    stem = next((name for namer in [reference_name, *_namers] if (name := namer(blob.sha256, studio_ids))),
                blob.sha256[:16])
    return f"{stem}{_extension(blob.content_type)}"


def _extension(content_type: str) -> str:
    """`.png` for an image, else what the standard MIME table says (`.mp4` for a clip), else `.bin`."""
    if content_type in EXTENSIONS:
        return f".{EXTENSIONS[content_type]}"
    return mimetypes.guess_extension(content_type) or ".bin"


def reference_name(sha256: str, studio_ids: Iterable[str]) -> str | None:
    """Name a reference image after the first asset version that uses it: `<asset>-v<n>-ref<i>`."""
    versions = (AssetVersion.objects.filter(asset__studio_id__in=list(studio_ids), references__icontains=sha256)
                .select_related("asset").order_by("created_at", "id"))
    for version in versions:
        if sha256 in version.references:  # the text match may hit a longer string; the list decides
            index = version.references.index(sha256) + 1
            return f"{slugify(version.asset.name)}-v{version.number}-ref{index}"
    return None
