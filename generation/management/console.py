"""What the generation commands share: following a job to its end with a tqdm bar, and its renders as a table.

Who acts, tables, --json and exit codes are `studios/console.py`'s; arguments are looked up by
`studios/lookup.py` with the kinds of `assets/`, `episodes/` and `generation/lookups.py`.
"""

from __future__ import annotations

import time
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker
from tqdm import tqdm

from assets.blobstore import blob_location
from episodes.lookups import shot_labels
from generation.errors import PermanentRenderError
from generation.models import TERMINAL_JOB_STATUSES, Job, JobItem, Render
from studios.console import table


def runs_inline() -> bool:
    """Return whether this process must do the work itself (the in-process broker has no worker here)."""
    return isinstance(dramatiq.get_broker(), StubBroker)


def follow(job: Job, *, inline: bool, poll: float = 0.5, stream: Any = None, quiet: bool = False) -> Job:
    """Run a job's items here (inline) or wait for the workers, showing done/total in a tqdm bar."""
    with tqdm(total=job.total, desc=f"{job.kind} {str(job.id)[:8]}", unit="shot", file=stream,
              disable=quiet) as bar:
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


def job_report(job: Job) -> tuple[list[str], dict[str, Any]]:
    """Return a finished job as text (its renders by shot: image path and hash; its errors) and as data."""
    renders = list(Render.objects.filter(pk__in=job.renders))
    labels = shot_labels([(r.shot_id, r.shot_revision) for r in renders] +
                         [(e["shot"], e["shot_revision"]) for e in job.errors])
    renders.sort(key=lambda r: (labels[(r.shot_id, r.shot_revision)].code, r.shot_revision))
    lines = [f"job {str(job.id)[:8]} ({job.kind}): {job.status}, {job.done}/{job.total} shot(s)"]
    rows, data = [], []
    for render in renders:
        label, where = labels[(render.shot_id, render.shot_revision)], blob_location(render.image_sha256)
        rows.append((label.code, label.title, f"r{render.shot_revision}", str(render.id)[:8], where,
                     render.image_sha256, _clip(render.media)))
        data.append({"render": str(render.id), "shot": render.shot_id, "code": label.code, "title": label.title,
                     "shot_revision": render.shot_revision, "image": where, "image_sha256": render.image_sha256,
                     "media": render.media})
    if rows:
        clips = any(row[-1] for row in rows)  # the clip column only when the job made clips
        lines += table(["shot", "title", "revision", "render", "image", "sha256", "clip"][:7 if clips else 6],
                       [row if clips else row[:6] for row in rows])
    for error in job.errors:
        known = labels.get((error["shot"], error["shot_revision"]))
        lines.append(f"  error {known.code if known else error['shot']} r{error['shot_revision']}: {error['error']}")
    return lines, {"job": str(job.id), "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
                   "renders": data, "errors": job.errors}


def _clip(media: dict[str, Any] | None) -> str:
    """A clip's frames, rate and video hash; empty for a still."""
    if not media or media.get("kind") != "video":
        return ""
    return f"{media['frames']} frames at {media['fps']} fps, video {media['video_sha256']}"
