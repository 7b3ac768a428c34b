"""Content-addressed storage of blobs in the "blobs" storage (filesystem or S3 via django-storages).

Keys are derived only from the SHA-256 (validated as 64 hex digits), so no client input can reach
a path. A stored object is never overwritten: an existing key means the same bytes are there.
A file is removed only where no Blob row references it: after a refused append, or by `blobs sweep`.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

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


PARTIAL_PREFIX = ".partial-"  # a file being written; one left behind by a killed writer is swept


def storage_put(key: str, data: bytes) -> bool:
    """Store bytes durably under a key unless something is already there (same key, same bytes).

    Return whether this call stored them. Call it outside any transaction: a file is written and
    made durable before the events that name it are appended, so no append waits on a disk or a network.
    """
    storage = blob_storage()
    if storage.exists(key):
        return False
    if isinstance(storage, FileSystemStorage):
        _put_file_atomically(Path(storage.path(key)), data)
        return True
    # Object stores (S3) publish an object only once its PUT completes: no partial object is ever visible.
    saved = storage.save(key, ContentFile(data))
    if saved != key:
        # A concurrent upload of the same bytes won the key; drop our renamed copy.
        storage.delete(saved)
        return False
    return True


def _put_file_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, fsync, then rename: a killed writer leaves no partial blob."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=PARTIAL_PREFIX)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide blobs from a separately-run web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # The rename is durable only once the folder that records it is.
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def storage_delete(key: str) -> None:
    """Remove a stored object (nothing happens if there is none)."""
    blob_storage().delete(key)


def storage_open(key: str) -> IO[bytes]:
    """Open a stored object for reading."""
    return blob_storage().open(key, "rb")


def storage_exists(key: str) -> bool:
    """Return whether an object is stored under a key."""
    return blob_storage().exists(key)


def blob_location(sha256: str) -> str:
    """Return where a person finds a blob's bytes: its file path on a filesystem storage, else its API URL."""
    storage = blob_storage()
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(blob_key(sha256)))
        return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
    return f"/api/blobs/{sha256}/"
