"""`asset import <folder or file> --studio …` bulk-creates or versions assets; `asset show` prints one."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from assets import selectors
from assets.importer import Importer, description_load
from assets.models import Asset
from config.errors import DomainError
from config.types import Actor
from studios.access import visible_studio_ids
from studios.models import Studio


class Command(BaseCommand):
    help = "Import assets in bulk from a description file and reference images, or show an asset's versions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create or version assets from assets.yaml/.json and images.")
        imp.add_argument("source", help="A folder holding assets.yaml (or .yml/.json), or the file itself.")
        imp.add_argument("--studio", required=True, help="Studio id or name.")
        imp.add_argument("--user", help="Acting username (default: the first superuser).")
        imp.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        show = sub.add_parser("show", help="Print an asset's versions and their statuses.")
        show.add_argument("asset", help="Asset id or name.")
        show.add_argument("--studio", help="Studio id or name (to tell same-named assets apart).")
        show.add_argument("--user", help="Acting username (default: the first superuser).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options.get("user"))
        try:
            if options["action"] == "import":
                self._import(actor, options)
            else:
                self._show(actor, options)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.extra or ''}".strip()) from None

    def _actor(self, username: str | None) -> Actor:
        User = get_user_model()
        users = User.objects.filter(username=username) if username else User.objects.filter(is_superuser=True)
        actor = users.order_by("pk").first()
        if actor is None:
            raise CommandError(f"No user {username!r}." if username else "No superuser exists: pass --user.")
        return actor

    def _studio(self, actor: Actor, value: str) -> str:
        visible = visible_studio_ids(actor)
        try:
            key = str(uuid.UUID(value))
            matches = [key] if key in visible else []
        except ValueError:
            matches = [str(pk) for pk in Studio.objects.filter(name=value).values_list("id", flat=True)
                       if str(pk) in visible]
        if len(matches) != 1:
            raise CommandError(f"Studio {value!r} {'is unknown' if not matches else 'is ambiguous: use its id'}.")
        return matches[0]

    def _import(self, actor: Actor, options: dict[str, Any]) -> None:
        studio_id = self._studio(actor, options["studio"])
        entries, base = description_load(Path(options["source"]))
        started = time.perf_counter()

        def progress(items: Any) -> Any:
            return tqdm(items, total=len(entries), unit="asset", file=sys.stderr, disable=options["no_progress"])

        report = Importer(actor=actor, studio_id=studio_id, base=base).run(entries, progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"created {len(report.created)}, versioned {len(report.versioned)}, "
                          f"unchanged {len(report.unchanged)} in {elapsed:.2f}s")

    def _show(self, actor: Actor, options: dict[str, Any]) -> None:
        asset = self._find_asset(actor, options["asset"], options.get("studio"))
        self.stdout.write(f"{asset.name} ({asset.kind}) {asset.id}  studio {asset.studio_id}")
        self.stdout.write(f"latest v{asset.latest_version}, approved "
                          f"{'v' + str(asset.approved_version) if asset.approved_version else 'none'}")
        for version in selectors.asset_version_list(user=actor, asset_id=asset.id):
            self.stdout.write(f"  v{version.number:<4} {version.status:<10} {version.created_at:%Y-%m-%d %H:%M:%S} "
                              f"{version.created_by:<15} refs {len(version.references)}  "
                              f"components {len(version.components)}  {version.note}")
            history = selectors.asset_version_history(user=actor, asset_id=asset.id, number=version.number)
            for step in history[1:]:
                comment = f": {step['comment']}" if step["comment"] else ""
                self.stdout.write(f"        → {step['status']} by {step['by']} at {step['at']}{comment}")

    def _find_asset(self, actor: Actor, value: str, studio: str | None) -> Asset:
        try:
            return selectors.asset_get(user=actor, asset_id=str(uuid.UUID(value)))
        except ValueError:
            pass
        assets = selectors.asset_list(user=actor, studio=self._studio(actor, studio) if studio else None)
        matches = list(assets.filter(name=value)[:2])
        if len(matches) != 1:
            raise CommandError(f"Asset {value!r} {'is unknown' if not matches else 'is ambiguous: pass --studio'}.")
        return matches[0]
