"""`demo [--if-empty]`: load the "Harbour Lights" demo studio (dev-only users and passwords are printed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

import eventlog
from demo.studio import STUDIO_NAME, demo_load, demo_studio
from episodes.models import Episode


class Command(BaseCommand):
    help = "Load the demo studio: users, approved assets with reference images, models and two episodes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="load only into an empty database (no events)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and eventlog.head_position() > 0:
            self.stdout.write("the database is not empty: demo not loaded")
            return
        studio = demo_studio()
        if studio is not None:
            self.stdout.write(f"the demo studio {STUDIO_NAME!r} exists already ({studio.id})")
        else:
            studio = demo_load(log=self.stdout.write)
            self.stdout.write(f"demo studio {studio.name!r} loaded ({studio.id})")
        # The README's walkthrough starts from these ids.
        for episode in Episode.objects.filter(studio_id=studio.id).order_by("number"):
            shots = episode.shots.count()
            self.stdout.write(f"  episode {episode.number} {episode.title!r}: {episode.id} ({shots} shots)")
