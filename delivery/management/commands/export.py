"""`export <cut> --format otio|otioz|edl|fcp7xml|fcpxml|mp4|all [--output DIR]`: deliver a locked cut."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from delivery.exporters import EXTENSIONS
from delivery.models import Export, ExportFormat
from delivery.services import export_request, export_run
from generation.management.console import actor_from, add_actor_argument, runs_inline
from generation.rendering import read_blob


class Command(BaseCommand):
    help = ("Export a locked cut in one or more formats (with the in-process broker this command makes the files "
            "itself; with DRAMATIQ_BROKER_URL set the workers do, and --wait or --output waits for them).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cut", help="cut id")
        parser.add_argument("--format", action="append", required=True, choices=[*ExportFormat.values, "all"],
                            help="repeat for several formats; 'all' for every one")
        parser.add_argument("--no-burn-in", action="store_true", help="mp4: leave shot code and revision off")
        parser.add_argument("--output", type=Path, help="write each export's file into this folder")
        parser.add_argument("--wait", action="store_true", help="wait for the workers")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        formats = ExportFormat.values if "all" in options["format"] else list(dict.fromkeys(options["format"]))
        exports = [self._request(actor, options["cut"], f, not options["no_burn_in"]) for f in formats]
        if runs_inline() or options["wait"] or options["output"]:
            exports = [self._finish(export, inline=runs_inline()) for export in exports]
        for export in exports:
            self.stdout.write(_line(export, options["output"]))
        if any(e.status == "failed" for e in exports):
            raise CommandError("an export failed")

    def _request(self, actor: Any, cut: str, format: str, burn_in: bool) -> Export:
        try:
            export, created = export_request(actor=actor, cut_id=cut, format=format, burn_in=burn_in)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message} {error.extra or ''}".strip()) from None
        self.stderr.write(f"{'queued' if created else 'existing'} export {export.id} ({format})")
        return export

    def _finish(self, export: Export, *, inline: bool) -> Export:
        if inline:
            export_run(export_id=str(export.id))
        while export.status not in ("succeeded", "failed"):
            time.sleep(0.5)
            export.refresh_from_db()
        export.refresh_from_db()
        return export


def _line(export: Export, output: Path | None) -> str:
    if export.status != "succeeded":
        return f"{export.format}: {export.status} {export.error}".strip()
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        path = output / f"cut-{export.cut_id}.{EXTENSIONS[export.format]}"
        path.write_bytes(read_blob(export.blob))
        return f"{export.format}: {export.blob} ({export.size} bytes) → {path}"
    return f"{export.format}: {export.blob} ({export.size} bytes)"
