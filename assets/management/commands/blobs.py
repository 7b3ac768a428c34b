"""`blobs sweep [--apply] [--older-than SECONDS]` lists (and with --apply removes) files that are not blobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import pluralize

from assets.sweep import blob_leftovers, blob_leftovers_remove

GRACE_SECONDS = 3600


class Command(BaseCommand):
    help = "Maintain the blob storage."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser(
            "sweep", help="List stored files that no blob references (left by a crash between storing a file and "
                          "appending its event) and .partial-* files (left by a writer killed while storing). "
                          "A dry run unless --apply is given.")
        sweep.add_argument("--apply", action="store_true", help="Remove the files listed (default: only list them).")
        sweep.add_argument(
            "--older-than", type=int, default=GRACE_SECONDS, metavar="SECONDS",
            help=f"Take only files last modified at least this long ago (default {GRACE_SECONDS}): an upload "
                 "stores its file before appending its event, and a younger file may be one still on its way.")

    def handle(self, *args: Any, **options: Any) -> None:
        leftovers = blob_leftovers(older_than=timedelta(seconds=options["older_than"]))
        if options["apply"]:
            blob_leftovers_remove(leftovers)
        verb = "removed" if options["apply"] else "would remove"
        for leftover in leftovers:
            self.stdout.write(f"{verb} {leftover.key} ({leftover.reason}, {leftover.size} bytes)")
        count = len(leftovers)
        total = f"{verb} {count} file{pluralize(count)}, {sum(item.size for item in leftovers)} bytes"
        self.stdout.write(total if options["apply"] or not leftovers else f"{total} (a dry run: pass --apply)")
