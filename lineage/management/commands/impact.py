"""`manage.py impact <asset> [--version N] [--json]`: the shots that pin an older version of an asset."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from assets.lookups import ASSET
from assets.models import Asset
from episodes.lookups import shot_labels
from lineage.impact import impact_analyze
from studios.console import ConsoleCommand, Result, table, versions
from studios.lookup import find, studio_find


class Command(ConsoleCommand):
    help = ("List every shot (with its episode) whose current revision pins an older version of an asset than the "
            "target (default: its approved version), directly, through a component or through a variant.")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version N` is the target version here, so it replaces Django's own --version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("asset", help=f"the asset: {ASSET.ways()}")
        parser.add_argument("--version", type=int, default=None, help="target version (default: approved)")
        parser.add_argument("--studio", default=None, help="look the asset up in this studio only (id or name)")
        self.add_common(parser)

    def run(self, **options: Any) -> Result:
        actor = self.actor(options)
        within = Asset.objects.filter(studio=studio_find(actor, options["studio"])) if options["studio"] else None
        asset: Asset = find(actor, ASSET, options["asset"], within=within)
        result = impact_analyze(user=actor, asset_id=asset.id, version=options["version"])
        return Result(lines=impact_report(result), data=result)


def impact_report(result: dict[str, Any]) -> list[str]:
    """Return an impact result as a heading and a table of shots by episode and number, with their paths."""
    target = result["target_version"]
    lines = [f"{result['name']} ({result['kind']}): {len(result['shots'])} shot(s) in {len(result['episodes'])} "
             f"episode(s) pin a version older than v{target}."]
    if not result["shots"]:
        return lines
    labels = shot_labels((s["shot"], s["revision"]) for s in result["shots"])
    names = {str(pk): name for pk, name in Asset.objects.filter(
        pk__in={step["asset"] for s in result["shots"] for step in s["via"]}).values_list("id", "name")}
    rows = []
    for shot in result["shots"]:
        label = labels[(shot["shot"], shot["revision"])]
        path = " → ".join(("" if step["relation"] == "pinned" else f"{step['relation']} ")
                          + f"{names.get(step['asset'], step['asset'][:8])} v{step['version']}" for step in shot["via"])
        rows.append((label.code, label.title, f"r{shot['revision']}", versions(shot["pinned_version"], target), path))
    return lines + table(["shot", "title", "revision", "version", "via"], rows)

