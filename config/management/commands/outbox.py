"""`outbox`: run the outbox dispatcher and lease sweep in the foreground (production), or one pass (--once)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config import outbox
from config.inprocess_worker import import_actors
from config.outbox import Dispatcher


class Command(BaseCommand):
    help = "Send pending outbox messages to the broker and requeue expired worker leases, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass, print what it did and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        import_actors()  # declare every queue on the broker, so that each one is swept
        dispatcher = Dispatcher()
        if options["once"]:
            sent = dispatcher.run_once()
            self.stdout.write(f"sent {sent} message(s); {outbox.pending_count()} pending")
            return
        signal.signal(signal.SIGTERM, lambda *_: dispatcher.stop())
        self.stdout.write("outbox dispatcher running (Ctrl-C or SIGTERM stops it)")
        try:
            dispatcher.run()
        except KeyboardInterrupt:
            pass
