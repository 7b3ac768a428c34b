"""A per-studio faiss index of reference and render embeddings, stored through the storage backend.

One index per studio and embedder fingerprint (never two studios in one file, so a query can only
ever return its own studio's items): exact inner product (`IndexFlatIP`) while small, IVF once it
holds CONSISTENCY_IVF_MIN vectors, both inside `IndexIDMap2` so that the int64 ids survive
`write_index`/`read_index`. The ids point into an item list stored beside the index. Updates are
serialised per process; `manage.py consistency reindex` rebuilds every index from the log.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

from assets.blobstore import blob_storage, storage_delete, storage_open, storage_put
from assets.models import AssetVersion
from consistency import vectors
from consistency.embedders import ImageEmbedder, image_embedder
from consistency.models import RenderScore
from generation.models import Render

_LOCK = threading.Lock()
_LOADED: dict[str, StudioIndex] = {}


@dataclass
class StudioIndex:
    """The faiss index of one studio and embedder, with the item each vector id stands for."""

    index: Any
    items: list[dict[str, Any]] = field(default_factory=list)  # id → {kind, id, asset?, version?, sha256}
    keys: set[str] = field(default_factory=set)  # "<kind>:<id>:<sha256>" already indexed

    def search(self, query: np.ndarray, limit: int) -> list[dict[str, Any]]:
        """Return the best `limit` items for one query vector (an item's best vector counts)."""
        if self.index.ntotal == 0:
            return []
        scores, ids = self.index.search(query[None, :].astype(np.float32), min(self.index.ntotal, limit * 4))
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for score, vector_id in zip(scores[0], ids[0], strict=True):
            if vector_id < 0:
                continue
            item = self.items[int(vector_id)]
            key = (item["kind"], item["id"])
            if key not in best:
                found = {k: v for k, v in item.items() if k != "sha256"}
                best[key] = {**found, "score": round(float(score), 4)}
        return list(best.values())[:limit]


def _key(studio_id: str, fingerprint: str) -> str:
    return f"consistency/index/{studio_id}/{fingerprint[:32]}"


def empty_index(dimension: int) -> Any:
    """Return an empty exact index with int64 ids."""
    import faiss  # imported on first use: it costs time and logs its CPU probing at every start
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def ivf_index(vectors_: np.ndarray, ids: np.ndarray) -> Any:
    """Return an IVF index trained on and holding the given vectors (nlist ~ 4·√n, nprobe 8)."""
    import faiss
    dimension = vectors_.shape[1]
    nlist = max(1, int(4 * math.sqrt(len(vectors_))))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors_)
    ivf.nprobe = settings.CONSISTENCY_IVF_NPROBE
    index = faiss.IndexIDMap2(ivf)
    index.add_with_ids(vectors_, ids)
    return index


def _all_vectors(index: Any) -> tuple[np.ndarray, np.ndarray]:
    import faiss
    inner = faiss.downcast_index(index.index)
    if isinstance(inner, faiss.IndexIVF):
        inner.make_direct_map()
    return inner.reconstruct_n(0, index.ntotal), faiss.vector_to_array(index.id_map)


def index_stored(studio_id: str) -> bool:
    """Return whether the studio has an index stored for any embedder (cheap: no model is loaded)."""
    try:
        folders, _files = blob_storage().listdir(f"consistency/index/{studio_id}")
    except FileNotFoundError:
        return False
    return bool(folders)


def studio_index(studio_id: str, embedder: ImageEmbedder) -> StudioIndex:
    """Return the studio's index for an embedder, read from storage once per process (empty if none)."""
    key = _key(studio_id, embedder.fingerprint)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _read(key, embedder.dimension)
        return _LOADED[key]


def _snapshots(key: str) -> list[int]:
    """Return the item counts of the stored snapshots of an index, oldest first."""
    try:
        _folders, files = blob_storage().listdir(key)
    except FileNotFoundError:
        return []
    counts = {name.split(".")[0] for name in files if name.endswith(".faiss")}
    complete = {name.split(".")[0] for name in files if name.endswith(".json")} & counts
    return sorted(int(count) for count in complete if count.isdigit())


def _read(key: str, dimension: int) -> StudioIndex:
    import faiss
    counts = _snapshots(key)
    if not counts:
        return StudioIndex(empty_index(dimension))
    latest = f"{key}/{counts[-1]:012d}"
    with storage_open(f"{latest}.faiss") as handle:
        index = faiss.deserialize_index(np.frombuffer(handle.read(), dtype=np.uint8))
    with storage_open(f"{latest}.json") as handle:
        items = json.loads(handle.read())
    keys = {f"{i['kind']}:{i['id']}:{i['sha256']}" for i in items}
    return StudioIndex(index, items, keys)


def _write(key: str, found: StudioIndex) -> None:
    """Store a new snapshot named by its item count (stored files are never overwritten), then drop older ones."""
    import faiss
    latest = f"{key}/{len(found.items):012d}"
    storage_put(f"{latest}.json", json.dumps(found.items).encode())
    storage_put(f"{latest}.faiss", faiss.serialize_index(found.index).tobytes())  # last: it completes the snapshot
    for count in _snapshots(key)[:-1]:
        storage_delete(f"{key}/{count:012d}.faiss")
        storage_delete(f"{key}/{count:012d}.json")


def index_add(studio_id: str, embedder: ImageEmbedder, entries: list[tuple[dict[str, Any], np.ndarray]]) -> int:
    """Add (item, vector) pairs not yet indexed, switching to IVF past the configured size; return how many."""
    import faiss
    key = _key(studio_id, embedder.fingerprint)
    found = studio_index(studio_id, embedder)
    with _LOCK:
        new = [(item, vector) for item, vector in entries
               if f"{item['kind']}:{item['id']}:{item['sha256']}" not in found.keys]
        if not new:
            return 0
        start = len(found.items)
        ids = np.arange(start, start + len(new), dtype=np.int64)
        matrix = np.stack([vector for _, vector in new]).astype(np.float32)
        for item, _ in new:
            found.items.append(item)
            found.keys.add(f"{item['kind']}:{item['id']}:{item['sha256']}")
        flat = not isinstance(faiss.downcast_index(found.index.index), faiss.IndexIVF)
        if flat and found.index.ntotal + len(new) >= settings.CONSISTENCY_IVF_MIN:
            old, old_ids = _all_vectors(found.index) if found.index.ntotal else (matrix[:0], ids[:0])
            found.index = ivf_index(np.concatenate([old, matrix]), np.concatenate([old_ids, ids]))
        else:
            found.index.add_with_ids(matrix, ids)
        _write(key, found)
        return len(new)


def render_entries(embedder: ImageEmbedder, render: Render) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Return the index entries of a render (its whole frame) and of its cast's references."""
    frame = vectors.window_vectors(embedder, render.image_sha256)[0]
    entries = [({"kind": "render", "id": str(render.id), "sha256": render.image_sha256}, frame)]
    for entry in render.manifest.get("cast", []):
        entries += version_entries(embedder, entry["asset"], int(entry["version"]), entry.get("references") or [])
    return entries


def version_entries(embedder: ImageEmbedder, asset_id: str, version: int,
                    references: list[str]) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Return the index entries of an asset version's references."""
    if not references:
        return []
    found = vectors.image_vectors(embedder, references)
    return [({"kind": "asset_version", "id": f"{asset_id}:{version}", "asset": asset_id, "version": version,
              "sha256": sha}, vector) for sha, vector in zip(references, found, strict=True)]


def index_add_render(*, render_id: str) -> int:
    """Index a scored render and its cast's references with the embedder that scored it."""
    from consistency.services import studio_settings

    render = Render.objects.get(pk=render_id)
    spec, _ = studio_settings(str(render.studio_id))
    embedder = image_embedder(spec)
    return index_add(str(render.studio_id), embedder, render_entries(embedder, render))


def index_add_version(*, studio_id: str, asset_id: str, version: int, references: list[str]) -> int:
    """Index an asset version's references with the studio's embedder."""
    from consistency.services import studio_settings

    spec, _ = studio_settings(studio_id)
    embedder = image_embedder(spec)
    return index_add(studio_id, embedder, version_entries(embedder, asset_id, version, references))


def index_top_up(studio_id: str, embedder: ImageEmbedder) -> int:
    """Index every asset version of the studio not indexed yet (a new reference is searchable before any
    render pins it); return how many vectors were added."""
    found = studio_index(studio_id, embedder)
    entries: list[tuple[dict[str, Any], np.ndarray]] = []
    for row in AssetVersion.objects.filter(asset__studio_id=studio_id).order_by("asset_id", "number"):
        shas = [sha for sha in row.references if f"asset_version:{row.pk}:{sha}" not in found.keys]
        if shas:
            entries += version_entries(embedder, str(row.asset_id), row.number, shas)
    return index_add(studio_id, embedder, entries) if entries else 0


def index_rebuild(studio_id: str) -> int:
    """Rebuild a studio's index from the log's read models: every asset version's references and every
    scored render; return how many vectors it holds."""
    from consistency.services import studio_settings

    spec, _ = studio_settings(studio_id)
    embedder = image_embedder(spec)
    key = _key(studio_id, embedder.fingerprint)
    with _LOCK:
        _LOADED[key] = StudioIndex(empty_index(embedder.dimension))
        for count in _snapshots(key):
            storage_delete(f"{key}/{count:012d}.faiss")
            storage_delete(f"{key}/{count:012d}.json")
    entries: list[tuple[dict[str, Any], np.ndarray]] = []
    for row in AssetVersion.objects.filter(asset__studio_id=studio_id).order_by("asset_id", "number"):
        entries += version_entries(embedder, str(row.asset_id), row.number, list(row.references))
    scored = RenderScore.objects.filter(studio_id=studio_id, status="scored").values_list("render_id", flat=True)
    for render in Render.objects.filter(pk__in=set(scored)).order_by("created_at", "id"):
        entries.append(render_entries(embedder, render)[0])
    index_add(studio_id, embedder, entries)
    return studio_index(studio_id, embedder).index.ntotal


def index_forget_loaded() -> None:
    """Drop the indexes this process holds in memory (they are read again from storage on next use)."""
    with _LOCK:
        _LOADED.clear()
