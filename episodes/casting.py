"""Resolve a shot's cast and model against the read models: every pin becomes an exact version.

A pin's `version` may be a number or "approved"/"latest"; it is resolved once, when pinned, and
stored as a number, so later approvals never move a shot. Unknown ids and ids of another studio
get the same message, so a pin can not be used to probe another studio.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from assets.models import Asset, AssetVersion
from episodes.errors import InvalidCast, UnknownModel, UnusablePin

MAX_CAST = 32
MAX_ROLE = 100
SYMBOLIC_VERSIONS = ("approved", "latest")
UNUSABLE_STATUSES = ("rejected", "retired")


def cast_resolve(studio_id: str, cast: Any, kept: frozenset[tuple[str, int]] = frozenset()) -> list[dict[str, Any]]:
    """Return the cast as [{asset, version, role}] with exact, usable versions of this studio.

    Pins in `kept` (those of the revision being revised) skip the status check: a version retired
    since it was pinned stays pinned where it was; only new pins must be usable.
    """
    if not isinstance(cast, list | tuple) or len(cast) > MAX_CAST:
        raise InvalidCast(f"cast must be a list of at most {MAX_CAST} pins.", fields={"cast": ["Must be a list."]})
    pins = [_pin_parse(value, f"cast[{i}]") for i, value in enumerate(cast)]
    assets = {str(a.id): a for a in Asset.objects.filter(id__in=[p["asset"] for p in pins], studio_id=studio_id)}
    resolved = []
    for index, pin in enumerate(pins):
        field = f"cast[{index}]"
        if any(p["asset"] == pin["asset"] for p in pins[:index]):
            raise InvalidCast(f"{field}: asset {pin['asset']} is cast twice.", fields={field: ["Cast twice."]})
        asset = assets.get(pin["asset"])
        if asset is None:
            raise InvalidCast(f"{field}: asset {pin['asset']} does not exist in this studio.",
                              fields={field: ["Unknown asset in this studio."]})
        resolved.append({"asset": pin["asset"], "version": _number(asset, pin["version"], field), "role": pin["role"]})
    _check_statuses(resolved, kept)
    return resolved


def _pin_parse(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict) or "asset" not in value or "version" not in value:
        raise InvalidCast(f"{field} must be an object {{asset, version, role?}}.", fields={field: ["Malformed pin."]})
    try:
        asset = str(uuid.UUID(str(value["asset"])))
    except ValueError:
        raise InvalidCast(f"{field}.asset is not an asset id.",
                          fields={f"{field}.asset": ["Not an asset id."]}) from None
    version = value["version"]
    if version not in SYMBOLIC_VERSIONS and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise InvalidCast(f"{field}.version must be a positive integer, \"approved\" or \"latest\".",
                          fields={f"{field}.version": ["A positive integer, \"approved\" or \"latest\"."]})
    role = value.get("role") or ""
    if not isinstance(role, str) or len(role) > MAX_ROLE:
        raise InvalidCast(f"{field}.role must be a string of at most {MAX_ROLE} characters.",
                          fields={f"{field}.role": [f"At most {MAX_ROLE} characters."]})
    return {"asset": asset, "version": version, "role": role.strip()}


def _number(asset: Asset, version: Any, field: str) -> int:
    if version == "latest":
        return asset.latest_version
    if version == "approved":
        if asset.approved_version is None:
            raise UnusablePin(f"{field}: {asset.name} has no approved version to pin.",
                              extra={"field": field, "asset": str(asset.id)})
        return asset.approved_version
    if version > asset.latest_version:
        raise InvalidCast(f"{field}: {asset.name} has no version {version} (latest is {asset.latest_version}).",
                          fields={field: ["Unknown version."]})
    return version


def _check_statuses(pins: list[dict[str, Any]], kept: frozenset[tuple[str, int]]) -> None:
    ids = [f"{p['asset']}:{p['version']}" for p in pins]
    statuses = dict(AssetVersion.objects.filter(id__in=ids).values_list("id", "status"))
    for index, (pin, version_id) in enumerate(zip(pins, ids, strict=True)):
        status = statuses.get(version_id)
        if status is None:
            raise InvalidCast(f"cast[{index}]: version {version_id} does not exist.",
                              fields={f"cast[{index}]": ["Unknown version."]})
        if status in UNUSABLE_STATUSES and (pin["asset"], pin["version"]) not in kept:
            raise UnusablePin(f"cast[{index}]: version {pin['version']} of asset {pin['asset']} is {status} and "
                              "can not be pinned.", extra={"field": f"cast[{index}]", "status": status})


# Render models are generation's, and generation builds on episodes: its AppConfig.ready() hands
# this module the lookup, so that episodes never imports generation.
_render_model_exists: Callable[[str, str], bool] | None = None


def render_model_lookup_set(exists: Callable[[str, str], bool]) -> None:
    """Set how `model_check` asks whether a render model belongs to a studio: `exists(studio_id, model_id)`."""
    global _render_model_exists
    _render_model_exists = exists


def model_check(studio_id: str, model_id: str) -> str:
    """Return the model id if it is a render model of this studio."""
    if _render_model_exists is None:
        raise ImproperlyConfigured("No render-model lookup was set: is the generation app installed?")
    if not _render_model_exists(studio_id, model_id):
        raise UnknownModel(f"model: render model {model_id} does not exist in this studio.",
                           fields={"model": ["Unknown render model in this studio."]})
    return model_id
