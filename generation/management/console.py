"""What the generation commands share: who acts, and following a job to its end with a tqdm bar."""

from __future__ import annotations

import os
import time
from typing import Any

import dramatiq
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from dramatiq.brokers.stub import StubBroker
from tqdm import tqdm

from config.types import Actor
from generation.errors import PermanentRenderError
from generation.models import TERMINAL_JOB_STATUSES, Job, JobItem, Render


def add_actor_argument(parser: CommandParser) -> None:
    """Add --user (default: $CONTINUITY_USER, else the first superuser)."""
    parser.add_argument("--user", default=os.environ.get("CONTINUITY_USER", ""),
                        help="username to act as (default: $CONTINUITY_USER, else the first superuser)")


def actor_from(options: dict[str, Any]) -> Actor:
    """Return the user the command acts as."""
    User = get_user_model()
    if options.get("user"):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        return user
    user = User.objects.filter(is_superuser=True).order_by("id").first()
    if user is None:
        raise CommandError("No superuser exists: pass --user or create one with `createsuperuser`.")
    return user


def runs_inline() -> bool:
    """Return whether this process must do the work itself (the in-process broker has no worker here)."""
    return isinstance(dramatiq.get_broker(), StubBroker)


def follow(job: Job, *, inline: bool, poll: float = 0.5, stream: Any = None) -> Job:
    """Run a job's items here (inline) or wait for the workers, showing done/total in a tqdm bar."""
    with tqdm(total=job.total, desc=f"{job.kind} {str(job.id)[:8]}", unit="shot", file=stream) as bar:
        if inline:
            from generation.services import job_item_run

            for index in JobItem.objects.filter(job_id=job.id).order_by("index").values_list("index", flat=True):
                try:
                    job_item_run(job_id=str(job.id), index=index)
                except PermanentRenderError:
                    pass  # recorded on the job; the summary shows it
                job.refresh_from_db()
                bar.n = job.done
                bar.refresh()
        while job.status not in TERMINAL_JOB_STATUSES:
            time.sleep(poll)
            job.refresh_from_db()
            bar.n = job.done
            bar.refresh()
    return job


def _clip(media: dict[str, Any] | None) -> str:
    if not media:
        return ""
    return f" (clip: {media['frames']} frames at {media['fps']} fps, video {media['video_sha256']})"


def summary(job: Job) -> str:
    """Return a one-paragraph summary of a finished job."""
    lines = [f"job {job.id}: {job.status} ({job.done}/{job.total})"]
    clips = {str(pk): media for pk, media in
             Render.objects.filter(id__in=job.renders, media__isnull=False).values_list("id", "media")}
    lines += [f"  render {render_id}" + _clip(clips.get(str(render_id))) for render_id in job.renders]
    lines += [f"  error {e['shot']} r{e['shot_revision']}: {e['error']}" for e in job.errors]
    return "\n".join(lines)
