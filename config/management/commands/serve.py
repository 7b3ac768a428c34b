"""`serve`: load the demo into an empty database, start the in-process worker, serve web + API."""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from config.inprocess_worker import start_inprocess_worker


class Command(BaseCommand):
    help = "Serve Continuity on 127.0.0.1:PORT with an in-process worker when no broker is configured."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--worker-threads", type=int, default=int(os.environ.get("WORKER_THREADS", "1")))

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("DEMO", "1") != "0" and "demo" in get_commands():
            call_command("demo", "--if-empty")
        if start_inprocess_worker(options["worker_threads"]) is None:
            self.stdout.write("broker configured: start workers with `python manage.py rundramatiq`")
        threading.Thread(target=self._announce, args=(options["host"], options["port"]), daemon=True).start()
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False, use_threading=True)

    def _announce(self, host: str, port: int) -> None:
        """Once the server accepts connections, print the URL to open and the demo sign-in (if it is loaded)."""
        for _attempt in range(600):
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            return  # runserver failed to bind: it has said why
        self.stdout.write(f"\nContinuity is ready: open http://{host}:{port}/ "
                          f"(API docs http://{host}:{port}/api/docs/, admin http://{host}:{port}/admin/)")
        if "demo" in get_commands():
            call_command("demo", "--sign-in", stdout=self.stdout)
