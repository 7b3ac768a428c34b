"""`asset import <folder or file> --studio …` bulk-creates or versions assets; `asset show <asset>` prints one."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from assets import selectors
from assets.importer import Importer, description_load
from assets.lookups import ASSET
from assets.models import Asset
from studios.console import ConsoleCommand, Result, table
from studios.lookup import LookupFailed, find, studio_find


class Command(ConsoleCommand):
    help = "Import assets in bulk from a description file and reference images, or show an asset's versions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create or version assets from assets.yaml/.json and images.")
        imp.add_argument("source", help="A folder holding assets.yaml (or .yml/.json), or the file itself.")
        imp.add_argument("--studio", required=True, help="Studio id or name.")
        imp.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        show = sub.add_parser("show", help="Print an asset's versions and their statuses.")
        show.add_argument("asset", help=f"The asset: {ASSET.ways()}.")
        show.add_argument("--studio", help="Look the asset up in this studio only (id or name).")
        for parser_ in (imp, show):
            self.add_common(parser_)

    def run(self, **options: Any) -> Result:
        actor = self.actor(options)
        if options["action"] == "import":
            return self._import(actor, options)
        within = Asset.objects.filter(studio=studio_find(actor, options["studio"])) if options.get("studio") else None
        return asset_show(actor, find(actor, ASSET, options["asset"], within=within))

    def _import(self, actor: Any, options: dict[str, Any]) -> Result:
        studio = studio_find(actor, options["studio"])
        source = Path(options["source"])
        if not source.exists():
            raise LookupFailed(f"No file or folder {str(source)!r} to import (give a folder holding assets.yaml, "
                               "or the file itself).")
        entries, base = description_load(source)
        started = time.perf_counter()

        def progress(items: Any) -> Any:
            return tqdm(items, total=len(entries), unit="asset", file=sys.stderr,
                        disable=options["no_progress"] or options["json"])

        report = Importer(actor=actor, studio_id=str(studio.id), base=base).run(entries, progress=progress)
        elapsed = time.perf_counter() - started
        data = {"studio": str(studio.id), "created": report.created, "versioned": report.versioned,
                "unchanged": report.unchanged, "seconds": round(elapsed, 3)}
        line = (f"created {len(report.created)}, versioned {len(report.versioned)}, unchanged {len(report.unchanged)} "
                f"in {elapsed:.2f}s (into {studio.name})")
        return Result(data=data, lines=[line])


def asset_show(actor: Any, asset: Asset) -> Result:
    """Return an asset's versions, statuses and review steps as a table (and as data)."""
    approved = f"v{asset.approved_version}" if asset.approved_version else "none"
    lines = [f"{asset.name} ({asset.kind}) in {asset.studio.name}: latest v{asset.latest_version}, approved {approved}",
             f"id {asset.id}"]
    rows, data = [], []
    for version in selectors.asset_version_list(user=actor, asset_id=asset.id):
        history = selectors.asset_version_history(user=actor, asset_id=asset.id, number=version.number)
        steps = "; ".join(f"{s['status']} by {s['by']}" + (f" ({s['comment']})" if s["comment"] else "")
                          for s in history[1:])
        rows.append((f"v{version.number}", version.status, f"{version.created_at:%Y-%m-%d %H:%M}", version.created_by,
                     len(version.references), len(version.components), version.note, steps))
        data.append({"number": version.number, "status": version.status, "attributes": version.attributes,
                     "references": version.references, "components": version.components, "note": version.note,
                     "created_by": version.created_by, "history": history})
    lines += table(["version", "status", "created", "by", "refs", "components", "note", "review"], rows)
    return Result(lines=lines, data={"id": str(asset.id), "name": asset.name, "kind": asset.kind,
                                     "studio": str(asset.studio_id), "latest_version": asset.latest_version,
                                     "approved_version": asset.approved_version, "versions": data})
