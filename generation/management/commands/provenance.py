"""`provenance <file.png>`: read a render's embedded manifest and check it against the event log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.provenance import provenance_check


class Command(BaseCommand):
    help = "Check a rendered PNG: its manifest hash, its render in the log, and its image hash (exit 1 if not)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        report = provenance_check(path.read_bytes())
        for check in report["checks"]:
            self.stdout.write(f"{'ok  ' if check['ok'] else 'FAIL'} {check['name']}: {check['detail']}")
        if not report["ok"]:
            raise CommandError("provenance check failed")
        self.stdout.write(f"render {report['render']} of shot {report['shot']} revision {report['shot_revision']}")
