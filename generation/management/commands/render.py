"""`render <episode> [--wait]`: render an episode's current shot revisions (`--resume`: re-send unfinished jobs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from generation.management.console import actor_from, add_actor_argument, follow, runs_inline, summary
from generation.services import episode_render, jobs_resume


class Command(BaseCommand):
    help = ("Render an episode. With the in-process broker this command renders the shots itself; with "
            "DRAMATIQ_BROKER_URL set it queues them for the workers (--wait follows the job).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("episode", nargs="?", help="episode id")
        parser.add_argument("--wait", action="store_true", help="wait for the job and show its progress")
        parser.add_argument("--resume", action="store_true", help="re-send the messages of unfinished jobs")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume"]:
            self.stdout.write(f"re-sent {jobs_resume()} message(s)")
            return
        if not options["episode"]:
            raise CommandError("Give an episode id (or --resume).")
        try:
            job = episode_render(actor=actor_from(options), episode_id=options["episode"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message} {error.extra or ''}".strip()) from None
        self.stdout.write(f"queued job {job.id} ({job.total} shot(s))")
        inline = runs_inline()
        if inline or options["wait"]:
            job = follow(job, inline=inline, stream=self.stderr)
            self.stdout.write(summary(job))
            if job.status != "succeeded":
                raise CommandError(f"job {job.id} {job.status}")
