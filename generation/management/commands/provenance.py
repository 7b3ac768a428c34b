"""`provenance <render id | file.png>`: check a render's Content Credentials and its manifest against the log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from assets.blob_names import reference_name
from episodes.lookups import shot_labels
from eventlog.canonical import sha256_hex
from generation.lookups import RENDER
from generation.provenance import provenance_check
from generation.rendering import read_blob
from studios.access import visible_studio_ids
from studios.console import ConsoleCommand, Result, actor_choose
from studios.lookup import LookupFailed, find


class Command(ConsoleCommand):
    help = ("Check a render: its C2PA credentials, its embedded manifest hash, its render in the log and its image "
            "hash (exit 1 if any fails). Give a PNG file, or a render by id, code (ep01-sh03-r2) or id prefix.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("render", help=f"a PNG file, or a render: {RENDER.ways()}")
        self.add_common(parser)

    def run(self, **options: Any) -> Result:
        data, source = self.image(options)
        report = provenance_check(data)
        lines = [f"{source}:"]
        lines += [f"  {'ok  ' if c['ok'] else 'FAIL'} {c['name']}: {c['detail']}" for c in report["checks"]]
        if report["ok"]:
            label = shot_labels([(report["shot"], report["shot_revision"])]).get(
                (report["shot"], report["shot_revision"]))
            shot = f"{label.code} {label.title!r}" if label else f"shot {report['shot']}"
            lines.append(f"render {report['render']} of {shot} revision {report['shot_revision']}")
        elif not report["checks"][0]["ok"]:
            lines.append(self.not_a_render(data, options))
        return Result(lines=lines, data={"source": source, **report},
                      refused="" if report["ok"] else "provenance check failed")

    def image(self, options: dict[str, Any]) -> tuple[bytes, str]:
        """Return the bytes to check and where they came from: a file, or a render's stored image."""
        path = Path(options["render"])
        if path.is_file():
            return path.read_bytes(), str(path)
        looks_like_a_file = path.suffix or "/" in options["render"]
        try:
            render = find(self.actor(options), RENDER, options["render"])
        except LookupFailed as failure:
            if looks_like_a_file:
                raise LookupFailed(f"No file {options['render']!r}, and no render of that name.") from None
            raise failure from None
        return read_blob(render.image_sha256), f"render {render.id}"

    def not_a_render(self, data: bytes, options: dict[str, Any]) -> str:
        """Say what a file without a manifest is, when the library knows it (a reference image, usually)."""
        try:
            studios = visible_studio_ids(actor_choose(options.get("user"))[0])
        except LookupFailed:
            studios = set()  # a file is checked without a user; only naming a reference needs one
        name = reference_name(sha256_hex(data), studios)
        if name:
            return f"this file is the reference image {name} of an asset, not a render: references carry no manifest"
        return "this file carries no render manifest: is it a render's PNG (GET /api/renders/{id}/ names its image)?"
