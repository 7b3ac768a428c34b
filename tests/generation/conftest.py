"""Generation fixtures: a tiny diffusers pipeline under a MODEL_ROOTS override, registered models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def model_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MODEL_ROOTS folder holding a tiny random-weight pipeline in `tiny/` (built once per module)."""
    from demo.tinymodel import build_tiny_pipeline

    root = tmp_path_factory.mktemp("model-root")
    build_tiny_pipeline(root / "tiny", seed=0)
    return root


@pytest.fixture
def model_roots(settings: Any, model_root: Path) -> Path:
    """Point settings.MODEL_ROOTS at the module's model root."""
    settings.MODEL_ROOTS = [model_root]
    return model_root


@pytest.fixture
def previz_model(studio: Any, admin_user: Any) -> Any:
    """The studio's registered previz model."""
    from generation.services import model_register

    return model_register(actor=admin_user, studio_id=str(studio.id), name="previz", backend="previz")


@pytest.fixture
def tiny_model(studio: Any, admin_user: Any, model_roots: Path) -> Any:
    """The studio's registered tiny diffusers model."""
    from generation.services import model_register

    return model_register(actor=admin_user, studio_id=str(studio.id), name="tiny", backend="diffusers",
                          path=str(model_roots / "tiny"))


@pytest.fixture
def event_types() -> Callable[[int], list[str]]:
    """Return the types of the events appended after a position."""
    import eventlog

    def types(after: int) -> list[str]:
        return [e.type for e in eventlog.read_after(after)]

    return types


def approved_asset(actor: Any, studio_id: str, *, kind: str, name: str, attributes: dict, image: bytes,
                   components: list[dict] | None = None) -> Any:
    """Create an asset with one reference image and approve its first version (through the services)."""
    from assets.services import asset_create, asset_version_approve, asset_version_submit, blob_store

    blob = blob_store(actor=actor, studio_id=studio_id, data=image, filename=f"{name}.png")
    asset = asset_create(actor=actor, studio_id=studio_id, kind=kind, name=name, attributes=attributes,
                         references=[blob.sha256], components=components or [])
    asset_version_submit(actor=actor, asset_id=str(asset.id), number=1)
    asset_version_approve(actor=actor, asset_id=str(asset.id), number=1)
    return asset


@pytest.fixture
def harbour_cast(studio: Any, admin_user: Any) -> dict[str, Any]:
    """Mei (wearing her red coat, a component), the harbour scene and a lantern, all approved."""
    from demo import art

    sid = str(studio.id)
    coat = approved_asset(admin_user, sid, kind="costume", name="Red Coat",
                          attributes={"description": "a long red wool coat"},
                          image=art.costume_sheet("Red Coat", ["#b22222", "#222222"], 1))
    mei = approved_asset(admin_user, sid, kind="character", name="Mei",
                         attributes={"description": "a curious girl of ten", "appearance": ["short black hair"]},
                         image=art.character_portrait("Mei", ["#b22222", "#f1c9a5"], 1),
                         components=[{"asset": str(coat.id), "version": 1}])
    harbour = approved_asset(admin_user, sid, kind="scene", name="Harbour",
                             attributes={"setting": "a small fishing harbour", "time_of_day": "dusk"},
                             image=art.scene_plate("Harbour", "dusk", ["#2d1e4f", "#f7a35c"], 1))
    lantern = approved_asset(admin_user, sid, kind="prop", name="Lantern",
                             attributes={"description": "a brass storm lantern"},
                             image=art.prop_sketch("Lantern", ["#c9a227", "#333333"], 1))
    return {"mei": mei, "coat": coat, "harbour": harbour, "lantern": lantern}


@pytest.fixture
def make_episode(studio: Any, admin_user: Any, harbour_cast: dict[str, Any]) -> Callable[..., Any]:
    """Return a function building an episode of `shots` shots cast from `harbour_cast` with a model."""
    from episodes.services import episode_create, series_create, shot_create

    counter = {"episodes": 0}

    def make(model: Any, *, shots: int = 2, size: int = 64, steps: int = 2, cast: list[dict] | None = None,
             **clip: Any) -> Any:  # clip: frames, fps, camera
        counter["episodes"] += 1
        series = series_create(actor=admin_user, studio_id=str(studio.id), title=f"Series {counter['episodes']}")
        episode = episode_create(actor=admin_user, series_id=str(series.id), number=1, title="Pilot")
        pins = cast if cast is not None else [
            {"asset": str(harbour_cast["mei"].id), "version": 1, "role": "lead"},
            {"asset": str(harbour_cast["harbour"].id), "version": 1}]
        for index in range(shots):
            shot_create(actor=admin_user, episode_id=str(episode.id), prompt=f"shot {index + 1}: Mei looks out",
                        title=f"Shot {index + 1}", cast=pins, seed=100 + index, width=size, height=size,
                        steps=steps, guidance=5.0, model=str(model.id), **clip)
        return episode

    return make
