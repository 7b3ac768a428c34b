"""Embeddings of blobs, kept in memory per embedder: references and renders never change (content-addressed)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from cachetools import LRUCache

from consistency.embedders import ImageEmbedder
from consistency.scoring import augmentations, decode, windows
from generation.rendering import read_reference
from generation.video import decoded_frames

VECTOR_CACHE_BYTES = 128 * 1024 * 1024
# Sized by bytes: a render's 65 window vectors weigh as much as 65 references.
_CACHE: LRUCache[tuple[str, str, str], np.ndarray] = LRUCache(maxsize=VECTOR_CACHE_BYTES, getsizeof=lambda a: a.nbytes)
_LOCK = threading.Lock()


def _cached(embedder: ImageEmbedder, what: str, sha256: str) -> np.ndarray | None:
    with _LOCK:
        return _CACHE.get((embedder.fingerprint, what, sha256))


def _keep(embedder: ImageEmbedder, what: str, sha256: str, vectors: np.ndarray) -> np.ndarray:
    with _LOCK:
        _CACHE[(embedder.fingerprint, what, sha256)] = vectors
    return vectors


def image_vectors(embedder: ImageEmbedder, shas: Sequence[str]) -> np.ndarray:
    """Return one vector per blob (the whole image), embedding only those not seen before."""
    found = {sha: _cached(embedder, "image", sha) for sha in dict.fromkeys(shas)}
    missing = [sha for sha, vector in found.items() if vector is None]
    if missing:
        embedded = embedder.embed([decode(read_reference(sha)) for sha in missing])
        for sha, vector in zip(missing, embedded, strict=True):
            found[sha] = _keep(embedder, "image", sha, vector[None, :])
    return np.concatenate([found[sha] for sha in shas])


def augmented_vectors(embedder: ImageEmbedder, sha256: str) -> np.ndarray:
    """Return the vectors of light augmentations of one reference."""
    found = _cached(embedder, "augmented", sha256)
    if found is None:
        found = _keep(embedder, "augmented", sha256, embedder.embed(augmentations(decode(read_reference(sha256)))))
    return found


def window_vectors(embedder: ImageEmbedder, sha256: str) -> np.ndarray:
    """Return the vectors of a render's whole frame (first) and its grid of windows."""
    found = _cached(embedder, "windows", sha256)
    if found is None:
        found = _keep(embedder, "windows", sha256, embedder.embed(windows(decode(read_reference(sha256)))))
    return found


def clip_window_vectors(embedder: ImageEmbedder, video_sha256: str, indices: Sequence[int]) -> np.ndarray:
    """Return, per sampled frame of a clip's MP4, the vectors of its whole frame (first) and its grid of windows
    (shape: frames × windows × dimension; every frame of a clip has one size, so one grid)."""
    key = f"{video_sha256}@{','.join(str(i) for i in indices)}"
    found = _cached(embedder, "clip-windows", key)
    if found is None:
        frames = decoded_frames(read_reference(video_sha256), indices)
        if len(frames) != len(indices):
            raise ValueError(f"The clip {video_sha256} has fewer frames than its media record says.")
        found = _keep(embedder, "clip-windows", key, np.stack([embedder.embed(windows(frame)) for frame in frames]))
    return found
