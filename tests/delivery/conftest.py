"""Delivery fixtures: a rendered episode of three shots, locked into a cut (through the services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.generation import conftest as generation

# The generation tests' fixtures, shared rather than copied: the studio's approved cast and previz model.
harbour_cast, previz_model, event_types = generation.harbour_cast, generation.previz_model, generation.event_types

DURATIONS = (1.0, 0.5, None)  # seconds; None holds for delivery.timeline.DEFAULT_SHOT_SECONDS


@pytest.fixture
def make_cut(studio: Any, admin_user: Any, harbour_cast: dict[str, Any], previz_model: Any) -> Callable[..., Any]:
    """Return a function making a locked cut of rendered shots (durations in seconds; None: the default)."""
    from episodes.services import cut_lock, episode_create, series_create, shot_create
    from generation import services
    from generation.models import JobItem

    def make(durations: tuple[float | None, ...] = DURATIONS, *, render: bool = True, size: int = 64,
             frames: tuple[int, ...] = ()) -> Any:  # frames: per shot, > 1 renders a clip (default: stills)
        series = series_create(actor=admin_user, studio_id=str(studio.id), title="Harbour Lights")
        episode = episode_create(actor=admin_user, series_id=str(series.id), number=1, title="Pilot")
        pins = [{"asset": str(harbour_cast["mei"].id), "version": 1, "role": "lead"}]
        for index, duration in enumerate(durations):
            shot_create(actor=admin_user, episode_id=str(episode.id), prompt=f"shot {index + 1}", cast=pins,
                        title=f"Shot {index + 1}", seed=100 + index, width=size, height=size, steps=2,
                        model=str(previz_model.id), duration=duration, order=(index + 1) * 10,
                        frames=frames[index] if frames else 1)
        if render:
            job = services.episode_render(actor=admin_user, episode_id=str(episode.id))
            for item in JobItem.objects.filter(job_id=job.id):
                services.job_item_run(job_id=str(job.id), index=item.index)
        return cut_lock(actor=admin_user, episode_id=str(episode.id))

    return make


@pytest.fixture
def exported(api: Any) -> Callable[..., dict[str, Any]]:
    """Return a function exporting a cut through the API and running the export's job here."""
    from delivery.services import export_run

    def export(cut: Any, format: str, **body: Any) -> dict[str, Any]:
        response = api.post(f"/api/cuts/{cut.id}/exports/", {"format": format, **body}, format="json")
        assert response.status_code == 202, response.json()
        export_run(export_id=response.json()["export"]["id"])
        return api.get(f"/api/exports/{response.json()['export']['id']}/").json()

    return export
