"""Content-addressed storage of blobs in the "blobs" storage (filesystem or S3 via django-storages).

Keys are derived only from the SHA-256 (validated as 64 hex digits), so no client input can reach
a path. A stored object is never overwritten: an existing key means the same bytes are there.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


def storage_put(key: str, data: bytes) -> None:
    """Store bytes under a key unless something is already there (same key, same bytes)."""
    storage = blob_storage()
    if storage.exists(key):
        return
    if isinstance(storage, FileSystemStorage):
        _put_file_atomically(Path(storage.path(key)), data)
        return
    # Object stores (S3) publish an object only once its PUT completes: no partial object is ever visible.
    saved = storage.save(key, ContentFile(data))
    if saved != key:
        # A concurrent upload of the same bytes won the key; drop our renamed copy.
        storage.delete(saved)


# Background fsyncs for storage_put_started: fsync releases the GIL for as long as the disk takes.
_SYNCERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="blob-fsync")


def storage_put_started(key: str, data: bytes) -> Callable[[], None]:
    """Start storing bytes (as storage_put); return a function that finishes storing them (at once if
    called again), raising what storing raised.

    On a filesystem the bytes are written now and made durable by an fsync in a background thread;
    the returned function waits for it and renames the file into place. An object store's upload is
    done before this returns: the caller waits inside an append, which holds the log's append lock
    until COMMIT, and no append should wait on a network upload.
    """
    storage = blob_storage()
    if not isinstance(storage, FileSystemStorage) or storage.exists(key):
        storage_put(key, data)
        return _stored
    path = Path(storage.path(key))
    handle, temporary = _write_partial(path, data)
    synced = _SYNCERS.submit(os.fsync, handle)
    finished: list[bool] = []

    def finish() -> None:
        if finished:
            return
        finished.append(True)
        _publish(handle, temporary, path, synced.result)

    return finish


def _stored() -> None:
    pass


def _put_file_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, fsync, then rename: a killed writer leaves no partial blob."""
    handle, temporary = _write_partial(path, data)
    _publish(handle, temporary, path, lambda: os.fsync(handle))


def _write_partial(path: Path, data: bytes) -> tuple[int, str]:
    """Write the bytes to a new temporary file beside `path`; return its open descriptor and name."""
    if not path.parent.is_dir():  # a stat: much cheaper than a mkdir refused because the folder exists
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.fchmod(handle, 0o644)  # mkstemp's 0600 would hide blobs from a separately-run web server
    except BaseException:
        os.close(handle)
        Path(temporary).unlink(missing_ok=True)
        raise
    return handle, temporary


def _publish(handle: int, temporary: str, path: Path, sync: Callable[[], object]) -> None:
    """Make the temporary file durable with `sync`, then rename it into place (or remove it on failure)."""
    try:
        sync()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


def storage_open(key: str) -> IO[bytes]:
    """Open a stored object for reading."""
    return blob_storage().open(key, "rb")


def storage_exists(key: str) -> bool:
    """Return whether an object is stored under a key."""
    return blob_storage().exists(key)
