"""Look-alike search (an image against the studio's faiss index) and library search by meaning and by name."""

from __future__ import annotations

from typing import Any

import numpy as np
from cachetools import LRUCache

from assets.models import Asset, AssetVersion
from consistency.embedders import image_embedder, text_embedder
from consistency.scoring import decode
from consistency.search_index import index_top_up, studio_index
from consistency.services import studio_settings

LOOK_ALIKE_SCORE = 0.9  # reference-level similarity above which an upload is flagged (see the README's figures)
_TEXTS: LRUCache[tuple[str, str], np.ndarray] = LRUCache(maxsize=8192)


def similar_to_image(*, studio_id: str, image: bytes, limit: int = 10) -> dict[str, Any]:
    """Return the studio's assets and renders that look most like an image, best first."""
    spec, _ = studio_settings(studio_id)
    embedder = image_embedder(spec)
    query = embedder.embed([decode(image)])[0]
    index_top_up(studio_id, embedder)
    results = studio_index(studio_id, embedder).search(query, limit)
    return {"embedder": {"name": embedder.name, "fingerprint": embedder.fingerprint}, "results": results}


def look_alikes(*, studio_id: str, image: bytes, limit: int = 3) -> list[dict[str, Any]]:
    """Return the studio's asset versions an image looks very like (a duplicate, or someone else's character)."""
    found = similar_to_image(studio_id=studio_id, image=image, limit=limit * 3)["results"]
    return [r for r in found if r["kind"] == "asset_version" and r["score"] >= LOOK_ALIKE_SCORE][:limit]


def asset_text(asset: Asset, version: AssetVersion | None) -> str:
    """Return the words that describe an asset for meaning search: its kind, name and attribute values."""
    parts = [f"{asset.kind} {asset.name}"]
    for value in (version.attributes if version else {}).values():
        parts.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return ". ".join(parts)


def library_search(*, studio_id: str, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Return the studio's assets ranked by meaning (MiniLM cosine), exact name matches first."""
    assets = list(Asset.objects.filter(studio_id=studio_id).order_by("name", "id"))
    if not assets or not q.strip():
        return []
    keys = [f"{a.id}:{a.approved_version or a.latest_version}" for a in assets]
    versions = {v.pk: v for v in AssetVersion.objects.filter(pk__in=keys)}
    texts = [asset_text(a, versions.get(k)) for a, k in zip(assets, keys, strict=True)]
    model = text_embedder()
    missing = [t for t in dict.fromkeys(texts) if (model.name, t) not in _TEXTS]
    if missing:
        for text, vector in zip(missing, model.embed(missing), strict=True):
            _TEXTS[(model.name, text)] = vector
    matrix = np.stack([_TEXTS[(model.name, t)] for t in texts])
    scores = matrix @ model.embed([q])[0]
    needle = q.strip().lower()
    ranked = sorted(range(len(assets)), key=lambda i: (assets[i].name.lower() != needle,
                                                       needle not in assets[i].name.lower(), -scores[i]))
    return [{"asset": str(assets[i].id), "version": int(keys[i].rsplit(":", 1)[1]), "name": assets[i].name,
             "kind": assets[i].kind, "score": round(float(scores[i]), 4),
             "name_match": needle in assets[i].name.lower()} for i in ranked[:limit]]
