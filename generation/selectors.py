"""Generation reads, from read models only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from config.errors import NotFound
from config.types import Actor
from episodes.models import Cut
from generation.models import Job, Render, RenderModel, RenderProgress, RerenderPlan
from studios.access import VIEW, authorize, get_visible, visible_studio_ids


def model_list(*, user: Actor, studio_id: str | None = None) -> QuerySet[RenderModel]:
    """Return the model versions of the user's studios (or of one studio)."""
    if studio_id:
        authorize(user, studio_id, VIEW)
        return RenderModel.objects.filter(studio_id=studio_id).order_by("name", "version")
    return RenderModel.objects.filter(studio_id__in=visible_studio_ids(user)).order_by("name", "version")


def registered_model(model_id: str) -> RenderModel | None:
    """Return a registered model version by id (None if there is none), read once per process.

    A model version never changes once registered (new weights make a new version), so a row
    found stays right; a missing one is not remembered, as it may be registered later.
    """
    model = _registered_models.get(str(model_id))
    if model is None:
        model = RenderModel.objects.filter(pk=model_id).first()
        if model is not None:
            _registered_models[str(model_id)] = model
    return model


_registered_models: dict[str, RenderModel] = {}


def render_model_exists(studio_id: str, model_id: str) -> bool:
    """Return whether a render model version with this id belongs to the studio (a shot's model check)."""
    return RenderModel.objects.filter(id=model_id, studio_id=studio_id).exists()


def model_get(*, user: Actor, model_id: str) -> RenderModel:
    """Return one model version the user may see."""
    return get_visible(RenderModel, model_id, user)


def job_get(*, user: Actor, job_id: str) -> Job:
    """Return one job the user may see."""
    return get_visible(Job, job_id, user)


# Apps above generation whose work runs as jobs (delivery's exports) register here, in their ready(), a
# lookup (user, job id) → the job's body, or None when the id is not theirs (NotFound when not visible).
other_job_lookups: list[Callable[[Actor, str], dict[str, Any] | None]] = []


def job_step_progress(*, job: Job) -> RenderProgress | None:
    """Return the latest per-step progress of a running job (not event-sourced), if any."""
    if job.status != "running":
        return None
    return RenderProgress.objects.filter(job_id=str(job.id)).first()


def render_get(*, user: Actor, render_id: str) -> Render:
    """Return one render the user may see."""
    return get_visible(Render, render_id, user)


def cut_of_episode(*, user: Actor, cut_id: str, episode_id: str) -> Cut:
    """Return a cut of the given episode (NotFound for a cut of another episode)."""
    cut = Cut.objects.filter(pk=cut_id, episode_id=episode_id).first()
    if cut is None:
        raise NotFound("Not found.")
    authorize(user, cut.studio_id, VIEW)
    return cut


def plan_get(*, user: Actor, plan_id: str) -> RerenderPlan:
    """Return one re-render plan the user may see."""
    return get_visible(RerenderPlan, plan_id, user)
