"""Find what a crash leaves in the blob storage: stored files that no Blob row references and `.partial-*` files.

Files are stored before the append that names them, so a crash (or a kill) between the two leaves
a file the log never names, and a writer killed while writing leaves its temporary `.partial-*`
file. Neither is a blob: `manage.py blobs sweep` lists them and, with --apply, removes them. Only
files older than a grace period are taken, so an upload between its store and its append is never swept.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import Storage
from django.utils import timezone

from assets.blobstore import PARTIAL_PREFIX, SHA256, blob_key, blob_storage, thumbnail_key
from assets.models import Blob

_FOLDERS = ("sha256", "thumbnails")
_CHUNK = 500  # SHA-256s per query: well under every database's limit on parameters


@dataclass(frozen=True)
class Leftover:
    """A stored file that is not a blob the log names."""

    key: str
    reason: str  # "unreferenced" or "partial"
    size: int


def blob_leftovers(*, older_than: timedelta) -> list[Leftover]:
    """List files no Blob row references (blobs, thumbnails) and partial files, modified over `older_than` ago."""
    storage = blob_storage()
    partial: list[str] = []
    named: dict[str, str] = {}  # key -> the SHA-256 it is stored for
    for folder in _FOLDERS:
        for key in _keys(storage, folder):
            name = posixpath.basename(key)
            sha = name.split("-", 1)[0]
            if name.startswith(PARTIAL_PREFIX):
                partial.append(key)
            elif SHA256.match(sha) and key in (blob_key(sha), thumbnail_key(sha)):  # never a file we did not name
                named[key] = sha
    referenced = _referenced(set(named.values()))
    candidates = [(key, "partial") for key in partial]
    candidates += [(key, "unreferenced") for key, sha in named.items() if sha not in referenced]
    cutoff = timezone.now() - older_than
    return [Leftover(key, reason, storage.size(key)) for key, reason in sorted(candidates)
            if storage.get_modified_time(key) <= cutoff]


def blob_leftovers_remove(leftovers: Iterable[Leftover]) -> None:
    """Remove the listed files from the blob storage."""
    storage = blob_storage()
    for leftover in leftovers:
        storage.delete(leftover.key)


def _keys(storage: Storage, folder: str) -> Iterator[str]:
    """Yield the key of every file under a folder (an S3 prefix), at any depth."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a filesystem storage where nothing was stored yet
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _keys(storage, f"{folder}/{name}")


def _referenced(shas: set[str]) -> set[str]:
    """Return those of the SHA-256s that a Blob row holds."""
    ordered, found = sorted(shas), set[str]()
    for start in range(0, len(ordered), _CHUNK):
        found.update(Blob.objects.filter(pk__in=ordered[start:start + _CHUNK]).values_list("pk", flat=True))
    return found
