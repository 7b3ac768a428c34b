"""`provenance <render id | file.png>`: check a render's Content Credentials and its manifest against the log."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.models import Render
from generation.provenance import provenance_check
from generation.rendering import read_blob


class Command(BaseCommand):
    help = ("Check a render (by id) or a rendered PNG: its C2PA credentials, its manifest hash, its render in the "
            "log and its image hash (exit 1 if one fails).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("render", help="a render id or the path of a PNG file")

    def handle(self, *args: Any, **options: Any) -> None:
        report = provenance_check(_png(options["render"]))
        for check in report["checks"]:
            self.stdout.write(f"{'ok  ' if check['ok'] else 'FAIL'} {check['name']}: {check['detail']}")
        if not report["ok"]:
            raise CommandError("provenance check failed")
        self.stdout.write(f"render {report['render']} of shot {report['shot']} revision {report['shot_revision']}")


def _png(argument: str) -> bytes:
    path = Path(argument)
    if path.is_file():
        return path.read_bytes()
    render = Render.objects.filter(pk=argument).first() if _is_uuid(argument) else None
    if render is None:
        raise CommandError(f"{argument} is neither a file nor a render id")
    return read_blob(render.image_sha256)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
