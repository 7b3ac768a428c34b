"""Consistency fixtures: Mei, Captain Ines and a harbour rendered with previz; the embedder loaded once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.generation.conftest import approved_asset

MEI_PALETTE = ["#b22222", "#f1c9a5", "#222222"]
INES_PALETTE = ["#2f4f4f", "#d4a017", "#c68642"]


@pytest.fixture(scope="session")
def embedder() -> Any:
    """The default embedder, loaded once for the whole session (and cached by the app for its own use)."""
    from consistency.embedders import image_embedder

    return image_embedder()


@pytest.fixture
def cast(studio: Any, admin_user: Any, embedder: Any) -> dict[str, Any]:
    """Mei and Captain Ines (characters) and the harbour (a scene), approved, with the demo's drawings."""
    from demo import art

    sid = str(studio.id)
    mei = approved_asset(admin_user, sid, kind="character", name="Mei",
                         attributes={"description": "a curious ten-year-old girl who collects sea glass"},
                         image=art.character_portrait("Mei", MEI_PALETTE, 0))
    ines = approved_asset(admin_user, sid, kind="character", name="Captain Ines",
                          attributes={"description": "a grey-haired harbour pilot with a calm voice"},
                          image=art.character_portrait("Captain Ines", INES_PALETTE, 1))
    harbour = approved_asset(admin_user, sid, kind="scene", name="Harbour",
                             attributes={"setting": "a small fishing harbour", "time_of_day": "dusk"},
                             image=art.scene_plate("Harbour", "dusk", ["#2d1e4f", "#f7a35c"], 0))
    return {"mei": mei, "ines": ines, "harbour": harbour}


@pytest.fixture
def previz(studio: Any, admin_user: Any) -> Any:
    from generation.services import model_register

    return model_register(actor=admin_user, studio_id=str(studio.id), name="previz", backend="previz")


@pytest.fixture
def episode_of(studio: Any, admin_user: Any, cast: dict[str, Any], previz: Any) -> Callable[..., Any]:
    """Return a function making an episode whose shots cast the named characters in the harbour."""
    from episodes.services import episode_create, series_create, shot_create

    def make(*shots: list[str], number: int = 1, series: Any = None) -> Any:
        series = series or series_create(actor=admin_user, studio_id=str(studio.id), title="Harbour Lights")
        episode = episode_create(actor=admin_user, series_id=str(series.id), number=number, title=f"Ep {number}")
        for order, names in enumerate(shots, start=1):
            pins = [{"asset": str(cast[name].id), "version": 1} for name in names]
            pins.append({"asset": str(cast["harbour"].id), "version": 1, "role": "setting"})
            shot_create(actor=admin_user, episode_id=str(episode.id), prompt=f"shot {order}", title=f"{number}.{order}",
                        cast=pins, seed=10 * number + order, width=192, height=112, steps=1, guidance=5.0,
                        model=str(previz.id))
        return episode

    return make


@pytest.fixture
def render_episode(admin_user: Any) -> Callable[[Any], list[str]]:
    """Return a function that renders every shot of an episode here and returns the render ids in shot order."""
    from generation.models import Job
    from generation.services import episode_render, job_item_run

    def render(episode: Any) -> list[str]:
        job = episode_render(actor=admin_user, episode_id=str(episode.id))
        for index in range(job.total):
            job_item_run(job_id=str(job.id), index=index)
        return list(Job.objects.get(pk=job.id).renders)

    return render
