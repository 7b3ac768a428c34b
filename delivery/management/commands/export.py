"""`export <cut> --format otio|otioz|edl|fcp7xml|fcpxml|mp4|all [--output DIR]`: deliver a locked cut."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from config.types import Actor
from delivery.exporters import EXTENSIONS
from delivery.models import Export, ExportFormat
from delivery.services import export_request, export_run
from episodes.lookups import CUT
from generation.management.console import runs_inline
from generation.rendering import read_blob
from studios.console import ConsoleCommand, Result, table
from studios.lookup import find


class Command(ConsoleCommand):
    help = ("Export a locked cut in one or more formats (with the in-process broker this command makes the files "
            "itself; with DRAMATIQ_BROKER_URL set the workers do, and --wait or --output waits for them).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cut", help=f"a locked cut: {CUT.ways()}")
        parser.add_argument("--format", action="append", required=True, choices=[*ExportFormat.values, "all"],
                            help="repeat for several formats; 'all' for every one")
        parser.add_argument("--no-burn-in", action="store_true", help="mp4: leave shot code and revision off")
        parser.add_argument("--output", type=Path, help="write each export's file into this folder")
        parser.add_argument("--wait", action="store_true", help="wait for the workers")
        self.add_common(parser)

    def run(self, **options: Any) -> Result:
        actor = self.actor(options)
        cut = str(find(actor, CUT, options["cut"]).id)
        formats = ExportFormat.values if "all" in options["format"] else list(dict.fromkeys(options["format"]))
        exports = [self._request(actor, cut, f, not options["no_burn_in"], quiet=options["json"]) for f in formats]
        if runs_inline() or options["wait"] or options["output"]:
            exports = [_finish(export, inline=runs_inline()) for export in exports]
        rows = [(e.format, e.status, e.blob or "", str(e.size or ""), _saved(e, options["output"]) or e.error or "")
                for e in exports]
        data = [{"export": str(e.id), "format": e.format, "status": e.status, "blob": e.blob, "size": e.size,
                 "error": e.error} for e in exports]
        failed = any(e.status == "failed" for e in exports)
        return Result(lines=table(["format", "status", "blob", "bytes", "file or error"], rows), data=data,
                      refused="an export failed" if failed else "")

    def _request(self, actor: Actor, cut: str, format: str, burn_in: bool, *, quiet: bool) -> Export:
        export, created = export_request(actor=actor, cut_id=cut, format=format, burn_in=burn_in)
        if not quiet:
            self.stderr.write(f"{'queued' if created else 'existing'} export {export.id} ({format})", style_func=str)
        return export


def _finish(export: Export, *, inline: bool) -> Export:
    if inline:
        export_run(export_id=str(export.id))
    while export.status not in ("succeeded", "failed"):
        time.sleep(0.5)
        export.refresh_from_db()
    export.refresh_from_db()
    return export


def _saved(export: Export, output: Path | None) -> str:
    """Write a finished export's file into `output` and return its path (empty when not asked or not done)."""
    if output is None or export.status != "succeeded":
        return ""
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"cut-{export.cut_id}.{EXTENSIONS[export.format]}"
    path.write_bytes(read_blob(export.blob))
    return str(path)
