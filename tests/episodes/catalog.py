"""Fixtures that build a small catalog through the services: assets and versions, a model, episodes, shots.

Imported by tests/episodes/conftest.py and by the lineage graph and impact tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def previz(studio: Any, admin_user: Any) -> Any:
    """A registered previz render model of `studio`."""
    from generation.services.registry import model_register

    return model_register(actor=admin_user, studio_id=str(studio.id), name="previz", backend="previz")


@pytest.fixture
def make_asset(studio: Any, admin_user: Any) -> Callable[..., Any]:
    """Create an asset (approved v1 unless approve=False) in `studio`; returns the asset."""
    from assets.services import asset_create, asset_version_approve, asset_version_submit

    def make(name: str, kind: str = "character", *, approve: bool = True, **kwargs: Any) -> Any:
        asset = asset_create(actor=admin_user, studio_id=str(studio.id), kind=kind, name=name,
                             attributes={"description": f"{name}, a {kind}"}, **kwargs)
        if approve:
            asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=1)
            asset_version_approve(actor=admin_user, asset_id=str(asset.id), number=1)
        asset.refresh_from_db()
        return asset

    return make


@pytest.fixture
def new_version(admin_user: Any) -> Callable[..., int]:
    """Add a version to an asset (approved when approve=True) and return its number."""
    from assets.services import asset_version_approve, asset_version_create, asset_version_submit

    def make(asset: Any, *, approve: bool = False, **kwargs: Any) -> int:
        asset.refresh_from_db()
        version = asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=asset.latest_version,
                                       attributes={"description": f"{asset.name}, revised"}, **kwargs)
        if approve:
            asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=version.number)
            asset_version_approve(actor=admin_user, asset_id=str(asset.id), number=version.number)
        asset.refresh_from_db()
        return version.number

    return make


@pytest.fixture
def make_episode(studio: Any, admin_user: Any) -> Callable[..., Any]:
    """Create an episode numbered `number` in a series (a new one unless given)."""
    from episodes.services import episode_create, series_create

    def make(number: int = 1, *, series: Any = None, title: str = "Pilot", targets: list | None = None) -> Any:
        series = series or series_create(actor=admin_user, studio_id=str(studio.id), title="Harbour Lights")
        return episode_create(actor=admin_user, series_id=str(series.id), number=number, title=title,
                              targets=targets or [{"territory": "FR", "media": "svod", "release_date": "2026-03-01"}])

    return make


@pytest.fixture
def episode(make_episode: Callable[..., Any]) -> Any:
    """Episode 1 of a new series."""
    return make_episode()


def pins(*cast: tuple[Any, Any]) -> list[dict[str, Any]]:
    """Return cast input [{asset, version}] from (asset, version) pairs."""
    return [{"asset": str(asset.id), "version": version} for asset, version in cast]


@pytest.fixture
def make_shot(admin_user: Any, previz: Any) -> Callable[..., Any]:
    """Add a shot to an episode casting (asset, version) pairs; returns the shot."""
    from episodes.services import shot_create

    def make(episode: Any, *cast: tuple[Any, Any], **overrides: Any) -> Any:
        fields = {"prompt": "Mara walks the harbour at dawn", "seed": 7, "width": 64, "height": 64, "steps": 4,
                  "model": str(previz.id), **overrides}
        return shot_create(actor=admin_user, episode_id=str(episode.id), cast=pins(*cast), **fields)

    return make


@pytest.fixture
def revise(admin_user: Any) -> Callable[..., Any]:
    """Revise a shot from its current revision with the given changes; returns the new ShotRevision."""
    from episodes.services import shot_revise

    def make(shot: Any, **changes: Any) -> Any:
        shot.refresh_from_db()
        return shot_revise(actor=admin_user, shot_id=str(shot.id), expected_revision=shot.revision, changes=changes)

    return make
