"""Rights fixtures: assets, licences and episodes with cast shots, all built through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

WORLDWIDE = {"worldwide": True, "include": [], "exclude": []}


@pytest.fixture
def manager(member: Callable[[str, str], Any]) -> Any:
    """A rights manager of `studio`."""
    return member("rita", "rights_manager")


@pytest.fixture
def make_asset(studio: Any, admin_user: Any) -> Callable[..., Any]:
    """Create an asset in `studio` (a character by default) through the asset service."""
    from assets.services import asset_create

    def make(name: str = "Mara", kind: str = "character", **kwargs: Any) -> Any:
        return asset_create(actor=admin_user, studio_id=str(studio.id), kind=kind, name=name,
                            attributes={"description": f"{name}, a licensed {kind}"}, **kwargs)

    return make


@pytest.fixture
def new_version(admin_user: Any) -> Callable[[Any], int]:
    """Add a version to an asset and return its number."""
    from assets.services import asset_version_create

    def make(asset: Any) -> int:
        asset.refresh_from_db()
        version = asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=asset.latest_version,
                                       attributes={"description": f"{asset.name}, revised"})
        return version.number

    return make


def _terms(**overrides: Any) -> dict[str, Any]:
    base = {
        "licensor": "Northwind Comics", "licensee": "Harbour Films", "territories": WORLDWIDE,
        "media": ["svod"], "window_start": "2026-01-01", "window_end": "2026-12-31",
    }
    return {**base, **overrides}


@pytest.fixture
def terms() -> Callable[..., dict[str, Any]]:
    """Return a maker of valid licence terms: worldwide SVOD for 2026, non-exclusive, with overrides."""
    return _terms


@pytest.fixture
def grant(manager: Any) -> Callable[..., Any]:
    """Grant rights on an asset through the service (as the rights manager)."""
    from rights.services import rights_grant

    def make(asset: Any, **overrides: Any) -> Any:
        return rights_grant(actor=manager, asset_id=str(asset.id), **_terms(**overrides))

    return make


@pytest.fixture
def render_model(studio: Any, admin_user: Any) -> Any:
    """A registered previz render model of `studio`."""
    from generation.services.registry import model_register

    return model_register(actor=admin_user, studio_id=str(studio.id), name="previz", backend="previz")


@pytest.fixture
def make_episode(studio: Any, admin_user: Any) -> Callable[..., Any]:
    """Create an episode (in a new series) with distribution targets."""
    from episodes.services import episode_create, series_create

    def make(targets: list[dict[str, Any]], number: int = 1) -> Any:
        series = series_create(actor=admin_user, studio_id=str(studio.id), title=f"Series {number}")
        return episode_create(actor=admin_user, series_id=str(series.id), number=number, title="Pilot",
                              targets=targets)

    return make


@pytest.fixture
def make_shot(admin_user: Any, render_model: Any) -> Callable[..., Any]:
    """Add a shot casting `[(asset, version), …]` to an episode."""
    from episodes.services import shot_create

    def make(episode: Any, cast: list[tuple[Any, int]], order: int | None = None) -> Any:
        return shot_create(actor=admin_user, episode_id=str(episode.id), prompt="A harbour at dawn",
                           cast=[{"asset": str(a.id), "version": v} for a, v in cast], seed=7, width=64, height=64,
                           steps=4, model=str(render_model.id), order=order)

    return make
