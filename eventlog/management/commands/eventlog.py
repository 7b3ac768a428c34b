"""`eventlog verify` recomputes the hash chain; `eventlog replay [--check]` rebuilds read models."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import eventlog


class Command(BaseCommand):
    help = "Verify the event log's hash chain or rebuild the read models from it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the hash chain; exit 1 at the first bad position.")
        replay = sub.add_parser("replay", help="Rebuild every read model from position 0.")
        replay.add_argument("--check", action="store_true",
                            help="Rebuild into a rolled-back transaction and exit 1 if live models differ.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()
        elif options["check"]:
            self._check()
        else:
            self._replay()

    def _verify(self) -> None:
        result = eventlog.verify()
        if not result.ok:
            raise CommandError(f"Chain broken at position {result.first_bad}: {result.reason}.", returncode=1)
        self.stdout.write(f"ok: {result.events} events, head {result.head}")

    def _check(self) -> None:
        difference = eventlog.replay_check()
        if difference:
            raise CommandError(f"Read models differ from a rebuild: {difference}", returncode=1)
        self.stdout.write("ok: live read models equal a rebuild from position 0")

    def _replay(self) -> None:
        started = time.perf_counter()
        last = eventlog.replay()
        self.stdout.write(f"rebuilt read models up to position {last} in {time.perf_counter() - started:.2f}s")
