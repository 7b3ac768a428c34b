"""`manage.py impact <asset id or name> [--version N] [--studio S] [--json]`: impact analysis for operators."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assets.models import Asset
from config.errors import DomainError
from lineage.impact import asset_row, impact_compute
from studios.models import Studio


class Command(BaseCommand):
    help = ("List every shot (with its episode) whose current revision pins an older version of an asset than the "
            "target (default: its approved version), directly, through a component or through a variant.")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version N` is the target version here, so it replaces Django's own --version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("asset", help="asset id, or its name (case-insensitive)")
        parser.add_argument("--version", type=int, default=None, help="target version (default: approved)")
        parser.add_argument("--studio", default=None, help="studio id or name, to pick among assets of one name")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        asset_id = _resolve(options["asset"], options["studio"])
        try:
            result = impact_compute(asset=asset_row(asset_id), version=options["version"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(_report(result))


def _resolve(asset: str, studio: str | None) -> str:
    """Return the id of the asset named by id or by name (within a studio when given)."""
    try:
        return str(uuid.UUID(asset))
    except ValueError:
        pass
    candidates = Asset.objects.filter(name__iexact=asset.strip())
    if studio:
        candidates = candidates.filter(studio_id__in=_studio_ids(studio))
    found = list(candidates.values_list("id", "studio__name", "kind"))
    if not found:
        raise CommandError(f"No asset is named {asset!r}" + (f" in studio {studio!r}." if studio else "."))
    if len(found) > 1:
        listing = "; ".join(f"{pk} ({kind}, {name})" for pk, name, kind in found)
        raise CommandError(f"{len(found)} assets are named {asset!r}: give the id or --studio. {listing}")
    return str(found[0][0])


def _studio_ids(studio: str) -> list[Any]:
    try:
        return [uuid.UUID(studio)]
    except ValueError:
        return list(Studio.objects.filter(name__iexact=studio).values_list("id", flat=True))


def _report(result: dict[str, Any]) -> str:
    lines = [f"{result['name']} ({result['kind']}, {result['asset']}): target version {result['target_version']}",
             f"{len(result['shots'])} shot(s) in {len(result['episodes'])} episode(s) pin an older version."]
    numbers = {e["episode"]: f"E{e['number']} {e['title']}" for e in result["episodes"]}
    for shot in result["shots"]:
        path = " -> ".join(f"{step['asset'][:8]} v{step['version']} ({step['relation']})" for step in shot["via"])
        lines.append(f"  {numbers[shot['episode']]} | shot {shot['shot']} r{shot['revision']} "
                     f"| pins v{shot['pinned_version']} | via {path}")
    return "\n".join(lines)
