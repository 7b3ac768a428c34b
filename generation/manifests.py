"""Render manifests: every input of one shot render as canonical JSON, hashed before anything renders.

A manifest holds the shot revision, each pinned asset version (its attributes hash and reference
blob hashes, components included), the prompt composed from the shot prompt and the pinned
versions' attributes, the model version and its weights fingerprint, the backend's describe(),
the render request (seed, steps, guidance, size, references) and the runtime environment. Equal
manifest hashes mean equal inputs; a worker renders from the manifest alone (plus blob bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from assets.models import Asset, AssetVersion, VersionStatus
from eventlog.canonical import canonical_hash
from generation.backends import Reference, RenderRequest
from generation.models import RenderModel

FORMAT = "continuity.render-manifest/1"
MAX_COMPONENT_DEPTH = 8


def manifest_hash(manifest: dict[str, Any]) -> str:
    """Return the SHA-256 of the manifest's canonical JSON."""
    return canonical_hash(manifest)


def cast_entries(cast: Sequence[dict[str, Any]], cache: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return the pinned versions of a shot's cast as manifest entries (components nested, in order).

    Pass the same `cache` for every shot of a job: versions are immutable, so each is read once.
    """
    cache = {} if cache is None else cache
    return [_entry(pin["asset"], int(pin["version"]), pin.get("role") or "", 0, cache) for pin in cast]


def preload_versions(pins: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Return a `cast_entries` cache holding every pinned version, read in one query (components are
    read as the entries reach them)."""
    keys = sorted({f"{pin['asset']}:{int(pin['version'])}" for pin in pins})
    cache: dict[str, Any] = dict.fromkeys(keys, (None, None))
    for version in AssetVersion.objects.select_related("asset").filter(pk__in=keys):
        cache[version.pk] = (version.asset, version)
    return cache


def _entry(asset_id: str, number: int, role: str, depth: int, cache: dict[str, Any]) -> dict[str, Any]:
    asset, version = _rows(str(asset_id), number, cache)
    if asset is None or version is None:
        return {"asset": str(asset_id), "version": number, "role": role, "missing": True}
    components = [] if depth >= MAX_COMPONENT_DEPTH else [
        _entry(c["asset"], int(c["version"]), "", depth + 1, cache) for c in version.components
    ]
    return {
        "asset": str(asset.id), "name": asset.name, "kind": asset.kind, "version": number, "role": role or asset.kind,
        "status": version.status, "attributes": version.attributes, "attributes_hash": version.attributes_hash,
        "references": list(version.references), "components": components,
    }


def _rows(asset_id: str, number: int, cache: dict[str, Any]) -> tuple[Asset | None, AssetVersion | None]:
    key = f"{asset_id}:{number}"
    if key not in cache:
        version = AssetVersion.objects.select_related("asset").filter(pk=key).first()
        cache[key] = (version.asset if version else None, version)
    return cache[key]


def unapproved(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return every pinned or component version that is missing or not approved."""
    found: list[dict[str, Any]] = []
    for entry in entries:
        if entry.get("missing") or entry["status"] != VersionStatus.APPROVED:
            found.append({"asset": entry["asset"], "version": entry["version"],
                          "status": "missing" if entry.get("missing") else entry["status"]})
        found.extend(unapproved(entry.get("components", [])))
    return found


def compose_prompt(shot_prompt: str, entries: Sequence[dict[str, Any]]) -> str:
    """Compose the prompt from the shot prompt and the pinned versions' attributes, in cast order."""
    phrases = [shot_prompt.strip()] if shot_prompt.strip() else []
    for entry in entries:
        phrases.extend(_phrases(entry))
    return "; ".join(phrase for phrase in phrases if phrase)


def _phrases(entry: dict[str, Any]) -> list[str]:
    attributes, name, kind = entry["attributes"], entry["name"], entry["kind"]
    own = _phrase(kind, name, attributes)
    return [own] + [phrase for component in entry["components"] for phrase in _phrases(component)]


def _phrase(kind: str, name: str, attributes: dict[str, Any]) -> str:
    description = str(attributes.get("description") or "").strip()
    if kind == "character":
        detail = ", ".join(part for part in (description, ", ".join(attributes.get("appearance") or [])) if part)
        return f"{name} (character)" + (f": {detail}" if detail else "")
    if kind == "costume":
        detail = description or ", ".join(attributes.get("garments") or [])
        return f"wearing {name}" + (f" ({detail})" if detail else "")
    if kind == "prop":
        return f"with {name}" + (f" ({description})" if description else "")
    setting = str(attributes.get("setting") or description or name).strip()
    extras = [str(attributes[key]).replace("_", " ") for key in ("time_of_day", "weather") if attributes.get(key)]
    return "in " + ", ".join([setting, *extras])


def references(entries: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Return the reference images of the cast in order (components after their parent), each hash once."""
    seen: set[str] = set()
    found: list[dict[str, str]] = []

    def walk(entry: dict[str, Any]) -> None:
        for sha in entry["references"]:
            if sha not in seen:
                seen.add(sha)
                found.append({"role": entry["role"], "kind": entry["kind"], "name": entry["name"], "sha256": sha})
        for component in entry["components"]:
            walk(component)

    for entry in entries:
        walk(entry)
    return found


def build_manifest(
    *, revision: Any, entries: list[dict[str, Any]], model: RenderModel, backend: dict[str, Any],
    environment: dict[str, Any], device: str | None, threads: int | None, video: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the manifest of one shot revision rendered with a model on a described backend.

    A clip (a revision of more than one frame) also records its frames, fps and camera notes in the
    request and the encoder in `video` (generation.clips.clip_description); a still records neither,
    so its manifest hashes as it did before clips existed.
    """
    request = {
        "prompt": compose_prompt(revision.prompt, entries), "negative_prompt": revision.negative_prompt,
        "seed": int(revision.seed), "width": int(revision.width), "height": int(revision.height),
        "steps": int(revision.steps), "guidance": float(revision.guidance), "title": revision.title,
        "references": references(entries),
    }
    clip = int(revision.frames) > 1
    if clip:
        request.update(frames=int(revision.frames), fps=int(revision.fps), camera=revision.camera)
    manifest = {
        "format": FORMAT,
        "shot": {"id": str(revision.shot_id), "revision": int(revision.revision), "prompt": revision.prompt},
        "cast": [_without_status(entry) for entry in entries],
        "model": {"id": str(model.id), "name": model.name, "version": model.version, "backend": model.backend,
                  "fingerprint": model.fingerprint},
        "backend": backend,
        "request": request,
        "device": device,
        "threads": threads,
        "environment": environment,
    }
    if clip:
        if video is None:
            raise ValueError("a clip manifest needs its video encoder described")
        manifest["video"] = video
    return manifest


def _without_status(entry: dict[str, Any]) -> dict[str, Any]:
    # Approval status changes over time; the manifest keeps only what shapes the image.
    kept = {key: value for key, value in entry.items() if key not in ("status", "attributes")}
    kept["components"] = [_without_status(component) for component in entry["components"]]
    return kept


def render_request(manifest: dict[str, Any], read_blob: Callable[[str], bytes]) -> RenderRequest:
    """Return the backend request a manifest describes, reading each reference's bytes."""
    try:
        request = manifest["request"]
        refs = tuple(Reference(role=r["role"], kind=r["kind"], name=r["name"], sha256=r["sha256"],
                               image=read_blob(r["sha256"])) for r in request["references"])
        return RenderRequest(prompt=request["prompt"], negative_prompt=request["negative_prompt"],
                             seed=request["seed"], width=request["width"], height=request["height"],
                             steps=request["steps"], guidance=request["guidance"], title=request["title"],
                             references=refs, frames=int(request.get("frames", 1)), fps=int(request.get("fps", 24)),
                             camera=str(request.get("camera", "")))
    except (KeyError, TypeError) as error:
        raise ValueError(f"the manifest is missing {error}") from None


def check_manifest(manifest: dict[str, Any], expected_hash: str) -> None:
    """Raise ValueError unless the manifest has this format and hashes to `expected_hash`."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"the manifest is not a {FORMAT} manifest")
    if manifest_hash(manifest) != expected_hash:
        raise ValueError("the manifest does not hash to its recorded manifest hash")
