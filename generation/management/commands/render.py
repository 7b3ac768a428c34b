"""`render <episode> [--wait]`: render an episode's current shot revisions (`--resume`: re-send unfinished jobs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from episodes.lookups import EPISODE
from generation.management.console import follow, job_report, runs_inline
from generation.services import episode_render, jobs_resume
from studios.console import ConsoleCommand, Result
from studios.lookup import LookupFailed, find


class Command(ConsoleCommand):
    help = ("Render an episode and print each render's image path and hash. With the in-process broker this "
            "command renders the shots itself; with DRAMATIQ_BROKER_URL set it queues them for the workers "
            "(--wait follows the job).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("episode", nargs="?", help=f"the episode: {EPISODE.ways()}")
        parser.add_argument("--wait", action="store_true", help="wait for the job and show its progress")
        parser.add_argument("--resume", action="store_true", help="re-send the messages of unfinished jobs")
        self.add_common(parser)

    def run(self, **options: Any) -> Result:
        if options["resume"]:
            sent = jobs_resume()
            return Result(lines=[f"re-sent {sent} message(s)"], data={"resent": sent})
        if not options["episode"]:
            raise LookupFailed("Give an episode (id, code such as ep01, or title), or --resume.")
        actor = self.actor(options)
        episode = find(actor, EPISODE, options["episode"])
        job = episode_render(actor=actor, episode_id=str(episode.id))
        inline = runs_inline()
        if not (inline or options["wait"]):
            return Result(lines=[f"queued job {job.id} ({job.total} shot(s)) for the workers"],
                          data={"job": str(job.id), "status": job.status, "total": job.total})
        job = follow(job, inline=inline, stream=self.stderr, quiet=options["json"])
        lines, data = job_report(job)
        return Result(lines=lines, data=data,
                      refused="" if job.status == "succeeded" else f"job {job.id} {job.status}")
