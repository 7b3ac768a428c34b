"""Load render backends once per process: "previz" (Pillow only) or "diffusers" (a local model folder)."""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path
from typing import Any

from generation.backends.base import (
    Backend,
    BackendError,
    ModelFolderError,
    Reference,
    RenderCancelled,
    RenderRequest,
)

BACKENDS = ("diffusers", "previz")
CacheKey = tuple[str, str | None, str, int]

_cache: dict[CacheKey, Backend] = {}
_descriptions: dict[CacheKey, dict[str, Any]] = {}
# Held while loading so two threads of one worker never load the same model twice.
_cache_lock = threading.Lock()

__all__ = [
    "BACKENDS",
    "Backend",
    "BackendError",
    "ModelFolderError",
    "Reference",
    "RenderCancelled",
    "RenderRequest",
    "clear_backend_cache",
    "describe_backend",
    "load_backend",
]


def load_backend(backend: str, path: str | None, *, device: str = "cpu", threads: int = 1) -> Backend:
    """Return the backend for (backend, path, device, threads), loading it on first use in this process."""
    key = _cache_key(backend, path, device, threads)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load(key)
        return _cache[key]


def describe_backend(backend: str, path: str | None, *, device: str = "cpu", threads: int = 1) -> dict[str, Any]:
    """Return what the loaded backend's describe() would, without loading diffusers weights (once per process)."""
    key = _cache_key(backend, path, device, threads)
    with _cache_lock:
        if key not in _descriptions:
            _descriptions[key] = _describe(key)
        return copy.deepcopy(_descriptions[key])


def clear_backend_cache() -> None:
    """Forget every loaded backend and description, so the next use reads its model folder again."""
    with _cache_lock:
        _cache.clear()
        _descriptions.clear()
        _resolved.cache_clear()


def _cache_key(backend: str, path: str | None, device: str, threads: int) -> CacheKey:
    if backend not in BACKENDS:
        raise BackendError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    if threads < 1:
        raise BackendError(f"threads must be at least 1, got {threads}")
    if backend == "previz":
        return (backend, None, device, threads)
    if not path:
        raise ModelFolderError("the diffusers backend needs a model folder path")
    return (backend, _resolved(path), device, threads)


@functools.lru_cache(maxsize=256)
def _resolved(path: str) -> str:
    # resolve() stats every component of the path: once per folder and process, not once per render.
    # clear_backend_cache() forgets these too, for a folder moved behind a symlink.
    return str(Path(path).expanduser().resolve())


def _describe(key: CacheKey) -> dict[str, Any]:
    backend, path, device, threads = key
    if backend == "previz":
        from generation.backends.previz import PrevizBackend

        return PrevizBackend().describe()
    from generation.backends.diffusers_backend import describe_folder

    assert path is not None
    return describe_folder(Path(path), device=device, threads=threads)


def _load(key: CacheKey) -> Backend:
    backend, path, device, threads = key
    if backend == "previz":
        from generation.backends.previz import PrevizBackend

        return PrevizBackend()
    from generation.backends.diffusers_backend import DiffusersBackend

    assert path is not None
    return DiffusersBackend(Path(path), device=device, threads=threads)
