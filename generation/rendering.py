"""Turn manifests into PNG bytes: load a model's backend once per process, describe it, render, encode.

Nothing here touches the event log: services call these functions and record what happened.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import dramatiq
from cachetools import LRUCache, cached
from django.conf import settings
from dramatiq.brokers.stub import StubBroker

from assets.blobstore import blob_key, storage_open
from generation.backends import Backend, ModelFolderError, describe_backend, load_backend
from generation.environment import environment_differences, imaging_environment, runtime_environment
from generation.errors import PermanentRenderError
from generation.manifests import render_request
from generation.models import RenderModel, WorkerPool
from generation.pngmeta import encode_png


def backend_for(model: RenderModel, *, device: str | None = None, threads: int | None = None) -> Backend:
    """Return the loaded backend of a model version (cached per process by generation.backends)."""
    if model.backend == "previz":
        return load_backend("previz", None)
    return load_backend("diffusers", model.path, device=device or settings.RENDER_DEVICE,
                        threads=threads or settings.RENDER_THREADS)


def runtime_for(model: RenderModel) -> dict[str, Any]:
    """Return the manifest fields that describe where a model renders: backend, environment, device, threads."""
    if model.backend == "previz":
        # Previz draws with Pillow only: torch, threads and device do not reach its pixels.
        _device, _threads, environment = render_site(include_torch=False)
        return {"backend": describe_backend("previz", None), "environment": imaging_environment(environment),
                "device": None, "threads": None}
    device, threads, environment = render_site(include_torch=True)
    # Described from the folder: building a manifest never loads the weights, only rendering does.
    described = describe_backend("diffusers", model.path, device=device, threads=threads)
    return {"backend": described, "environment": environment, "device": device, "threads": threads}


def render_site(*, include_torch: bool) -> tuple[str, int, dict[str, Any]]:
    """Return the device, thread count and environment that renders run with.

    Behind a real broker: those the worker pool last reported (see generation.services.pool). With
    the in-process worker, or before any worker has reported: this process's own (torch's part only
    when asked: importing torch to describe a previz render would cost seconds for nothing).
    """
    if not isinstance(dramatiq.get_broker(), StubBroker):
        pool = WorkerPool.objects.filter(pk=WorkerPool.POOL).first()
        if pool is not None:
            return pool.device, pool.threads, pool.environment
    device, threads = settings.RENDER_DEVICE, settings.RENDER_THREADS
    return device, threads, environment_now(device=device, threads=threads, include_torch=include_torch)


def environment_now(*, device: str, threads: int, include_torch: bool) -> dict[str, Any]:
    """Return runtime_environment(), computed once per process for each argument set and torch flag state."""
    return dict(_environment(device, threads, include_torch, _torch_flags()))


@lru_cache(maxsize=32)
def _environment(device: str, threads: int, include_torch: bool, flags: tuple[Any, ...]) -> dict[str, Any]:
    # Versions and process-start variables cannot change while the process runs; the flags can, so they key it.
    return runtime_environment(device=device, threads=threads, include_torch=include_torch)


def _torch_flags() -> tuple[Any, ...]:
    torch = sys.modules.get("torch")
    if torch is None:
        return ()
    cudnn = torch.backends.cudnn
    return (torch.are_deterministic_algorithms_enabled(), cudnn.deterministic, cudnn.benchmark)


def read_blob(sha256: str) -> bytes:
    """Return the bytes of a stored blob."""
    with storage_open(blob_key(sha256)) as handle:
        return handle.read()


REFERENCE_CACHE_BYTES = 64 * 1024 * 1024


class _References:
    """Reference images kept in memory between renders, least recently used first out.

    A series renders the same characters' and scenes' references in every shot, and a blob's
    bytes never change (its key is their hash), so a worker reads each from storage once while it
    fits in REFERENCE_CACHE_BYTES. A reference that fails to read is not remembered, and one larger
    than the whole budget is returned without being kept (cachetools refuses it).
    """

    def __init__(self) -> None:
        cache: LRUCache[Any, bytes] = LRUCache(maxsize=REFERENCE_CACHE_BYTES, getsizeof=len)
        # The lock guards the cache only: a slow storage read does not stall other threads' hits.
        self._read = cached(cache, lock=threading.Lock())(self._read_from_storage)

    def __call__(self, sha256: str) -> bytes:
        return self._read(sha256)

    @staticmethod
    def _read_from_storage(sha256: str) -> bytes:
        # read_blob is looked up on each miss, so that a stand-in for storage reaches every instance.
        return read_blob(sha256)


read_reference = _References()


def manifest_backend(manifest: dict[str, Any], model: RenderModel) -> Backend:
    """Load the backend a manifest names, turning a missing or unreadable folder into a permanent error."""
    try:
        return backend_for(model, device=manifest.get("device"), threads=manifest.get("threads"))
    except ModelFolderError as error:
        raise PermanentRenderError(f"model {model.name} v{model.version}: {error}") from None


def current_differences(manifest: dict[str, Any], backend: Backend) -> list[dict[str, Any]]:
    """List what differs between the manifest's recorded backend and environment and this process's."""
    include_torch = "torch" in manifest.get("environment", {})
    current = environment_now(device=manifest.get("device") or "cpu", threads=manifest.get("threads") or 1,
                              include_torch=include_torch)
    differences = environment_differences(manifest.get("environment", {}), current)
    for item in environment_differences(manifest.get("backend", {}), backend.describe()):
        differences.append({**item, "key": f"backend:{item['key']}"})
    return differences


def render_png(
    manifest: dict[str, Any], manifest_hash: str, backend: Backend, *,
    cancelled: Callable[[], bool] | None = None, progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Render a manifest with a loaded backend and return the PNG that carries the manifest."""
    try:
        request = render_request(manifest, read_reference)
    except (ValueError, FileNotFoundError) as error:
        raise PermanentRenderError(f"invalid manifest: {error}") from None
    image = backend.render(request, progress=progress, cancelled=cancelled)
    return encode_png(image, manifest=manifest, manifest_hash=manifest_hash)


class Throttled:
    """Call a function at most once per `interval` seconds, returning the last answer in between."""

    def __init__(self, function: Callable[[], Any], interval: float, first_after: float = 0.0) -> None:
        self.function, self.interval = function, interval
        # The first call happens at once unless `first_after` seconds must pass first.
        self.last_call, self.last_value = time.monotonic() - interval + first_after, None

    def __call__(self) -> Any:
        now = time.monotonic()
        if now - self.last_call >= self.interval:
            self.last_call, self.last_value = now, self.function()
        return self.last_value
