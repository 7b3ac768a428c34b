"""Content-addressed storage of blobs in the "blobs" storage (filesystem or S3 via django-storages).

Keys are derived only from the SHA-256 (validated as 64 hex digits), so no client input can reach
a path. A stored object is never overwritten: an existing key means the same bytes are there.
"""

from __future__ import annotations

import re
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def blob_storage() -> Storage:
    """Return the configured blob storage (Django resets it when settings.STORAGES changes)."""
    return storages["blobs"]


def blob_key(sha256: str) -> str:
    """Return the storage key of a blob's bytes."""
    if not SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def thumbnail_key(sha256: str) -> str:
    """Return the storage key of a blob's derived thumbnail."""
    return f"thumbnails/{sha256[:2]}/{sha256[2:4]}/{sha256}-256.webp"


def storage_put(key: str, data: bytes) -> None:
    """Store bytes under a key unless something is already there (same key, same bytes)."""
    storage = blob_storage()
    if storage.exists(key):
        return
    saved = storage.save(key, ContentFile(data))
    if saved != key:
        # A concurrent upload of the same bytes won the key; drop our renamed copy.
        storage.delete(saved)


def storage_open(key: str) -> IO[bytes]:
    """Open a stored object for reading."""
    return blob_storage().open(key, "rb")


def storage_exists(key: str) -> bool:
    """Return whether an object is stored under a key."""
    return blob_storage().exists(key)
