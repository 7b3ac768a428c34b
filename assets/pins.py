"""Checks of what a new version points at: reference blobs, component pins and derived_from.

Everything is checked against the read models, which are written in the append transaction and so
are never behind a committed event. Unknown and foreign-studio targets get the same message, so a
pin can not be used to probe another studio's ids.
"""

from __future__ import annotations

import uuid
from typing import Any

from assets.blobstore import SHA256
from assets.errors import InvalidPin
from assets.models import AssetVersion, BlobGrant, ComponentEdge
from config.errors import InvalidInput

MAX_REFERENCES = 100
MAX_COMPONENTS = 200


def references_clean(studio_id: str, references: Any) -> list[str]:
    """Return the reference list if every item is a distinct blob visible to the studio."""
    if not isinstance(references, list | tuple) or len(references) > MAX_REFERENCES:
        raise InvalidInput(f"references must be a list of at most {MAX_REFERENCES} SHA-256 digests.",
                           fields={"references": ["Must be a list of SHA-256 digests."]})
    cleaned = [r.lower() if isinstance(r, str) else r for r in references]
    for index, sha in enumerate(cleaned):
        if not isinstance(sha, str) or not SHA256.match(sha):
            _refuse_reference(index, "is not a SHA-256 hex digest.")
        if sha in cleaned[:index]:
            _refuse_reference(index, "is listed twice.")
    granted = set(BlobGrant.objects.filter(studio_id=studio_id, blob_id__in=cleaned).values_list("blob_id", flat=True))
    for index, sha in enumerate(cleaned):
        if sha not in granted:
            _refuse_reference(index, f"{sha} is not a blob of this studio (upload it first).")
    return cleaned


def _refuse_reference(index: int, problem: str) -> None:
    raise InvalidInput(f"references[{index}] {problem}", fields={f"references[{index}]": [problem]})


def pin_parse(value: Any, field: str) -> dict[str, Any]:
    """Return a well-formed {"asset": uuid string, "version": int} pin, or raise InvalidPin."""
    if not isinstance(value, dict) or set(value) != {"asset", "version"}:
        raise InvalidPin(f"{field} must be an object {{asset, version}}.",
                         fields={field: ["Must be {asset, version}."]})
    version = value["version"]
    try:
        asset = str(uuid.UUID(str(value["asset"])))
    except ValueError:
        raise InvalidPin(f"{field}.asset is not an asset id.",
                         fields={f"{field}.asset": ["Not an asset id."]}) from None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidPin(f"{field}.version must be a positive integer.",
                         fields={f"{field}.version": ["Must be a positive integer."]})
    return {"asset": asset, "version": version}


def _pinned_version(studio_id: str, pin: dict[str, Any], field: str) -> AssetVersion:
    version = (AssetVersion.objects.select_related("asset")
               .filter(asset_id=pin["asset"], number=pin["version"], asset__studio_id=studio_id).first())
    if version is None:
        raise InvalidPin(f"{field}: version {pin['version']} of asset {pin['asset']} does not exist in this studio.",
                         fields={field: ["Unknown asset or version in this studio."]})
    return version


def components_clean(studio_id: str, asset_id: str, components: Any) -> list[dict[str, Any]]:
    """Return the component pins if each names an existing version of this studio and none loops back."""
    if not isinstance(components, list | tuple) or len(components) > MAX_COMPONENTS:
        raise InvalidInput(f"components must be a list of at most {MAX_COMPONENTS} pins.",
                           fields={"components": ["Must be a list of {asset, version}."]})
    pins = [pin_parse(c, f"components[{i}]") for i, c in enumerate(components)]
    for index, pin in enumerate(pins):
        field = f"components[{index}]"
        if pin["asset"] == asset_id:
            raise InvalidPin(f"{field}: an asset can not be its own component.", fields={field: ["Cycle."]})
        if any(p["asset"] == pin["asset"] for p in pins[:index]):
            raise InvalidPin(f"{field}: asset {pin['asset']} is pinned twice.", fields={field: ["Pinned twice."]})
        _pinned_version(studio_id, pin, field)
        if asset_id in _reachable_assets(pin):
            raise InvalidPin(f"{field}: {pin['asset']} version {pin['version']} already contains this asset "
                             "through its components (a cycle).", fields={field: ["Cycle."]})
    return pins


def _reachable_assets(pin: dict[str, Any]) -> set[str]:
    """Return every asset reachable from a pinned version through component edges."""
    seen_versions: set[str] = set()
    assets: set[str] = set()
    frontier = [f"{pin['asset']}:{pin['version']}"]
    while frontier:
        seen_versions.update(frontier)
        edges = ComponentEdge.objects.filter(parent_id__in=frontier).values_list("component_asset_id",
                                                                                  "component_version")
        frontier = []
        for component_asset, component_version in edges:
            assets.add(str(component_asset))
            key = f"{component_asset}:{component_version}"
            if key not in seen_versions:
                frontier.append(key)
    return assets


def derived_from_clean(studio_id: str, kind: str, derived_from: Any) -> dict[str, Any] | None:
    """Return the derived_from pin if it names an existing version of a same-kind asset of this studio."""
    if derived_from is None:
        return None
    pin = pin_parse(derived_from, "derived_from")
    version = _pinned_version(studio_id, pin, "derived_from")
    if version.asset.kind != kind:
        raise InvalidPin(f"derived_from: a {kind} can only derive from a {kind}, not a {version.asset.kind}.",
                         fields={"derived_from": [f"Must be a {kind}."]})
    return pin
