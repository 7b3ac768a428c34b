"""`demo [--if-empty]`: load the "Harbour Lights" demo studio (dev-only users and passwords are printed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

import eventlog
from demo.studio import DEMO_PASSWORD, STUDIO_NAME, USERS, demo_load, demo_studio
from episodes.models import Episode


class Command(BaseCommand):
    help = "Load the demo studio: users, approved assets with reference images, models and two episodes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="load only into an empty database (no events)")
        parser.add_argument("--sign-in", action="store_true",
                            help="only print the demo users and their password, if the demo studio is loaded")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sign_in"]:
            if demo_studio() is not None:
                users = ", ".join(f"{name} ({role})" for role, name in USERS.items())
                self.stdout.write(f"sign in as {users}; password {DEMO_PASSWORD} (development only)")
            return
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
