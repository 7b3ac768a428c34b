"""Review fixtures: the generation fixtures (cast, episodes, models) and a synchronous render of an episode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.generation import conftest as generation

# The generation fixtures, bound here so pytest finds them.
harbour_cast, make_episode, previz_model = generation.harbour_cast, generation.make_episode, generation.previz_model
model_root, model_roots, tiny_model = generation.model_root, generation.model_roots, generation.tiny_model


@pytest.fixture
def render_episode(admin_user: Any) -> Callable[[Any], Any]:
    """Queue a render of an episode and run its items through the worker service, as the actor would."""
    from generation.models import JobItem
    from generation.services import episode_render, job_item_run

    def render(episode: Any) -> Any:
        job = episode_render(actor=admin_user, episode_id=str(episode.id))
        for index in JobItem.objects.filter(job_id=job.id).order_by("index").values_list("index", flat=True):
            job_item_run(job_id=str(job.id), index=index)
        job.refresh_from_db()
        assert job.status == "succeeded", job.errors
        return job

    return render


@pytest.fixture
def locked_cut(admin_user: Any, make_episode: Callable[..., Any], previz_model: Any,
               render_episode: Callable[[Any], Any]) -> Callable[..., Any]:
    """Return a function making a rendered episode of `shots` shots and locking it into a cut."""
    from episodes.services import cut_lock

    def make(*, shots: int = 2, model: Any = None, rendered: bool = True) -> Any:
        episode = make_episode(model or previz_model, shots=shots)
        if rendered:
            render_episode(episode)
        return cut_lock(actor=admin_user, episode_id=str(episode.id))

    return make


@pytest.fixture
def mei_v2(admin_user: Any, harbour_cast: dict[str, Any]) -> int:
    """Approve a second version of Mei (same coat) and return its number."""
    from assets.services import asset_version_approve, asset_version_create, asset_version_submit

    mei = str(harbour_cast["mei"].id)
    version = asset_version_create(actor=admin_user, asset_id=mei, expected_version=1,
                                   attributes={"description": "Mei, a year older"},
                                   components=[{"asset": str(harbour_cast["coat"].id), "version": 1}])
    asset_version_submit(actor=admin_user, asset_id=mei, number=version.number)
    asset_version_approve(actor=admin_user, asset_id=mei, number=version.number)
    return version.number
