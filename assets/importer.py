"""Bulk import of assets from a description file (YAML or JSON) and a folder of reference images.

Format (assets.yaml, assets.yml or assets.json in the folder, or the file itself)::

    assets:                      # or a bare list
      - kind: costume
        name: Oilskin coat
        attributes: {garments: [coat, boots], palette: ["#223344"]}
        references: [coat/front.png]          # paths relative to the file's folder
      - kind: character
        name: Mara
        attributes: {description: A lighthouse keeper}
        references: [mara/front.png, mara/side.jpg]
        components: [{name: Oilskin coat, kind: costume, version: 1}]   # version omitted: latest
        derived_from: {name: Mara (young), version: 2}                 # optional, same kind
        note: imported from the bible

An existing asset of the same studio, kind and name gets a new version when its attributes,
references or components differ from its latest version, and nothing when they are identical.
Entries may pin assets defined later in the file: entries are imported in dependency order.
Everything goes through the services, so validation and access checks are the usual ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assets import services
from assets.models import Asset, AssetVersion
from assets.schemas import KINDS, validate_attributes
from config.errors import InvalidInput
from config.types import Actor

DESCRIPTION_NAMES = ("assets.yaml", "assets.yml", "assets.json")


class ImportFileError(InvalidInput):
    """Raised when an import description is missing, unreadable or malformed."""

    code = "invalid_import"


@dataclass
class ImportReport:
    """What an import did."""

    created: list[str] = field(default_factory=list)
    versioned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def description_load(source: Path) -> tuple[list[dict[str, Any]], Path]:
    """Read the entries and the base folder of image paths from a folder or a description file."""
    path = source
    if source.is_dir():
        found = [source / n for n in DESCRIPTION_NAMES if (source / n).is_file()]
        if not found:
            raise ImportFileError(f"{source} holds none of {', '.join(DESCRIPTION_NAMES)}.")
        path = found[0]
    if not path.is_file():
        raise ImportFileError(f"{source} is not a file or folder.")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ImportFileError(f"{path} can not be read: {exc}") from None
    entries = data.get("assets") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ImportFileError(f"{path} must hold a list of assets (or a mapping with an `assets` list).")
    for index, entry in enumerate(entries):
        _check_entry(index, entry)
    return entries, path.parent.resolve()


def _check_entry(index: int, entry: dict[str, Any]) -> None:
    where = f"assets[{index}]"
    if entry.get("kind") not in KINDS:
        raise ImportFileError(f"{where}.kind must be one of {', '.join(KINDS)}.")
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ImportFileError(f"{where}.name is required.")
    for key in ("references", "components"):
        if not isinstance(entry.get(key, []), list):
            raise ImportFileError(f"{where}.{key} must be a list.")


def import_order(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entries so that each comes after the in-file entries it pins (refusing cycles)."""
    ordered: list[dict[str, Any]] = []
    state: dict[int, str] = {}

    def visit(entry: dict[str, Any]) -> None:
        if state.get(id(entry)) == "done":
            return
        if state.get(id(entry)) == "visiting":
            raise ImportFileError(f"{entry['name']} is part of a component cycle.")
        state[id(entry)] = "visiting"
        for target in _pinned_entries(entries, entry):
            visit(target)
        state[id(entry)] = "done"
        ordered.append(entry)

    for entry in entries:
        visit(entry)
    return ordered


def _pinned_entries(entries: list[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the other in-file entries that an entry pins by name."""
    pins = [(p, p.get("kind")) for p in entry.get("components", []) if isinstance(p, dict)]
    if isinstance(entry.get("derived_from"), dict):
        pins.append((entry["derived_from"], entry["kind"]))
    targets = []
    for pin, kind in pins:
        matches = [e for e in entries if e["name"] == pin.get("name") and kind in (None, e["kind"])]
        if len(matches) == 1 and matches[0] is not entry:
            targets.append(matches[0])
    return targets


class Importer:
    """Import entries into one studio as one user."""

    def __init__(self, *, actor: Actor, studio_id: str, base: Path) -> None:
        self.actor, self.studio_id, self.base = actor, studio_id, base
        self.shas: dict[Path, str] = {}

    def run(self, entries: list[dict[str, Any]], progress: Callable[[Iterable], Iterable] = iter) -> ImportReport:
        """Create or version every entry, in dependency order."""
        report = ImportReport()
        for entry in progress(import_order(entries)):
            outcome = self.entry_import(entry)
            getattr(report, outcome).append(entry["name"])
        return report

    def entry_import(self, entry: dict[str, Any]) -> str:
        """Import one entry; return "created", "versioned" or "unchanged"."""
        kind, name = entry["kind"], entry["name"].strip()
        attributes = validate_attributes(kind, entry.get("attributes") or {})
        references = [self._reference(p) for p in entry.get("references", [])]
        components = [self._pin(p, None) for p in entry["components"]] if "components" in entry else None
        derived = self._pin(entry["derived_from"], kind) if entry.get("derived_from") else None
        note = entry.get("note") or ""
        existing = Asset.objects.filter(studio_id=self.studio_id, kind=kind, name=name).order_by("created_at").first()
        if existing is None:
            services.asset_create(actor=self.actor, studio_id=self.studio_id, kind=kind, name=name,
                                  attributes=attributes, references=references, components=components or [],
                                  derived_from=derived, note=note)
            return "created"
        latest = AssetVersion.objects.get(pk=f"{existing.id}:{existing.latest_version}")
        if (latest.attributes == attributes and latest.references == references
                and (components is None or latest.components == components)):
            return "unchanged"
        services.asset_version_create(actor=self.actor, asset_id=str(existing.id),
                                      expected_version=existing.latest_version, attributes=attributes,
                                      references=references, components=components, derived_from=derived,
                                      note=note)
        return "versioned"

    def _reference(self, relative: Any) -> str:
        """Upload (or find) an image named relative to the description's folder; return its SHA-256."""
        path = (self.base / str(relative)).resolve()
        if not path.is_relative_to(self.base) or not path.is_file():
            raise ImportFileError(f"Reference image {relative!r} is not a file inside {self.base}.")
        if path not in self.shas:
            with path.open("rb") as handle:
                blob = services.blob_store(actor=self.actor, studio_id=self.studio_id, data=handle,
                                           filename=path.name)
            self.shas[path] = blob.sha256
        return self.shas[path]

    def _pin(self, pin: Any, kind: str | None) -> dict[str, Any]:
        """Resolve {name, kind?, version?} (or {asset, version}) to an exact version pin of this studio."""
        if not isinstance(pin, dict):
            raise ImportFileError(f"A pin must be a mapping with a name, not {pin!r}.")
        if "asset" in pin:
            return {"asset": str(pin["asset"]), "version": pin.get("version")}
        assets = Asset.objects.filter(studio_id=self.studio_id, name=pin.get("name"))
        if pin.get("kind", kind):
            assets = assets.filter(kind=pin.get("kind", kind))
        found = list(assets[:2])
        if len(found) != 1:
            raise ImportFileError(f"Pin {pin!r} names {'no' if not found else 'more than one'} asset of this studio.")
        version = pin.get("version", "latest")
        return {"asset": str(found[0].id), "version": found[0].latest_version if version == "latest" else version}
