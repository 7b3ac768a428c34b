"""Episodes: the list, the storyboard (render, reproduce, lock a cut, live progress) and the shot page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assets.blobstore import blob_key, storage_open
from episodes import selectors as episode_selectors
from episodes import services as episode_services
from episodes.errors import InvalidShot
from generation import selectors as generation_selectors
from generation import services as generation_services
from generation.provenance import provenance_check
from web import selectors
from web.forms import field_errors
from web.pages import page, workspace


@login_required
def episode_list(request: HttpRequest) -> HttpResponse:
    """List the studio's series and their episodes."""
    ws = workspace(request)
    return page(request, "web/episodes.html",
                {"series": selectors.episodes_of_studio(user=request.user, studio_id=str(ws.studio.id))}, ws)


@login_required
def storyboard(request: HttpRequest, episode_id: str) -> HttpResponse:
    """Show the episode's shots in order as cards, with render, reproduce and lock."""
    data = selectors.storyboard(user=request.user, episode_id=episode_id)
    ws = workspace(request, data["episode"].studio_id)
    running = next((j for j in data["jobs"] if not selectors.job_is_finished(j)), None)
    return page(request, "web/storyboard.html", {**data, "running": running}, ws)


@login_required
def episode_consistency(request: HttpRequest, episode_id: str) -> HttpResponse:
    """Show the episode's consistency report per character (the API's) and its shots, worst first."""
    data = selectors.episode_consistency(user=request.user, episode_id=episode_id)
    return page(request, "web/consistency.html", data, workspace(request, data["episode"].studio_id))


@login_required
def storyboard_shots(request: HttpRequest, episode_id: str) -> HttpResponse:
    """The storyboard's shot cards alone (swapped in when a job finishes)."""
    data = selectors.storyboard(user=request.user, episode_id=episode_id)
    return render(request, "web/partials/shot_cards.html", data)


@require_POST
@login_required
def episode_action(request: HttpRequest, episode_id: str, action: str) -> HttpResponse:
    """Render or reproduce the episode (a job to watch), or lock a cut of its current revisions."""
    if action == "lock":
        cut = episode_services.cut_lock(actor=request.user, episode_id=episode_id)
        messages.success(request, f"Cut {cut.number} locked ({cut.hash[:12]}…).")
        return redirect("web:episode", episode_id=episode_id)
    if action == "render":
        job = generation_services.episode_render(actor=request.user, episode_id=episode_id)
    elif action == "reproduce":
        cut_id = request.POST.get("cut") or None
        if cut_id:
            generation_selectors.cut_of_episode(user=request.user, cut_id=cut_id, episode_id=episode_id)
        job = generation_services.episode_reproduce(actor=request.user, episode_id=episode_id, cut_id=cut_id)
    else:
        return redirect("web:episode", episode_id=episode_id)
    messages.success(request, f"{job.kind.capitalize()} job queued: {job.total} shot(s).")
    return redirect("web:episode", episode_id=episode_id)


@login_required
def job_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's progress bar; htmx polls it until the job finishes, then tells the page to refresh its parts."""
    job = generation_selectors.job_get(user=request.user, job_id=job_id)
    finished = selectors.job_is_finished(job)
    response = render(request, "web/partials/job_progress.html", {
        "job": job, "finished": finished, "step": generation_selectors.job_step_progress(job=job),
        "items": selectors.job_items(job)})
    if finished and request.GET.get("polling"):
        response["HX-Trigger"] = "job-finished"
    return response


@login_required
def shot_detail(request: HttpRequest, shot_id: str) -> HttpResponse:
    """Show a shot: revisions, renders, manifest, cast with version pickers, and its neighbours."""
    data = selectors.shot_page(user=request.user, shot_id=shot_id)
    ws = workspace(request, data["shot"].studio_id)
    return page(request, "web/shot.html", {**data, "errors": {}}, ws)


@require_POST
@login_required
def shot_revise(request: HttpRequest, shot_id: str) -> HttpResponse:
    """Revise a shot's prompt and cast versions (409 "someone changed this" when the revision is stale)."""
    shot, current = episode_selectors.shot_get(user=request.user, shot_id=shot_id)
    changes: dict[str, Any] = {}
    for name in ("title", "prompt", "negative_prompt"):
        if name in request.POST:
            changes[name] = request.POST[name]
    cast = [{**pin, "version": _int(request.POST.get(f"pin.{index}"), pin["version"])}
            for index, pin in enumerate(current.cast)]
    if cast != current.cast:
        changes["cast"] = cast
    try:
        revision = episode_services.shot_revise(actor=request.user, shot_id=str(shot.id),
                                                expected_revision=_int(request.POST.get("expected_revision"), 0),
                                                changes=changes)
    except InvalidShot as error:
        data = selectors.shot_page(user=request.user, shot_id=shot_id)
        messages.error(request, error.message)
        return page(request, "web/shot.html", {**data, "errors": field_errors(error.extra.get("fields", {}))},
                    workspace(request, shot.studio_id), status=error.status)
    messages.success(request, f"Shot revised: revision {revision.revision}.")
    return redirect("web:shot", shot_id=shot.id)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def render_provenance(request: HttpRequest, render_id: str) -> HttpResponse:
    """Check a render's PNG against the log (embedded manifest, render event, image hash)."""
    found = generation_selectors.render_get(user=request.user, render_id=render_id)
    with storage_open(blob_key(found.image_sha256)) as image:
        report = provenance_check(image.read())
    return render(request, "web/partials/provenance.html", {"report": report, "render": found})
