"""Each page reads with a bounded number of queries, however many assets and shots the studio holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

ASSETS = 300
SHOTS = 150

# page → most queries it may take (session, user and the workspace's studios included)
LIMITS = {"library": 10, "library-table": 10, "asset": 14, "approvals": 9, "storyboard": 16, "shot": 19,
          "impact": 13, "episodes": 9, "jobs": 8, "consistency": 15}


@pytest.fixture
def catalog(studio: Any, admin_user: Any) -> dict[str, Any]:
    """A studio of hundreds of approved assets, half of them also with a draft in review, and one long episode."""
    from assets.services import (
        asset_create,
        asset_version_approve,
        asset_version_create,
        asset_version_submit,
        blob_store,
    )
    from demo import art
    from episodes.services import episode_create, series_create, shot_create
    from generation.services import model_register

    sid = str(studio.id)
    reference = blob_store(actor=admin_user, studio_id=sid, data=art.prop_sketch("Crate", ["#884400", "#222222"], 1))
    assets = []
    for index in range(ASSETS):
        asset = asset_create(actor=admin_user, studio_id=sid, kind=("character", "prop")[index % 2],
                             name=f"Asset {index:04d}", attributes={"description": f"number {index}"},
                             references=[reference.sha256])
        asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=1)
        asset_version_approve(actor=admin_user, asset_id=str(asset.id), number=1)
        assets.append(str(asset.id))
    model = model_register(actor=admin_user, studio_id=sid, name="previz", backend="previz")
    series = series_create(actor=admin_user, studio_id=sid, title="Long Series")
    episode = episode_create(actor=admin_user, series_id=str(series.id), number=1, title="Long Episode")
    shots = [str(shot_create(actor=admin_user, episode_id=str(episode.id), prompt=f"shot {index}", seed=index,
                             cast=[{"asset": assets[0], "version": 1}, {"asset": assets[1 + index % 50], "version": 1}],
                             width=64, height=64, steps=1, model=str(model.id)).id) for index in range(SHOTS)]
    for asset_id in assets[: ASSETS // 2]:
        asset_version_create(actor=admin_user, asset_id=asset_id, expected_version=1, attributes={"description": "v2"})
        asset_version_submit(actor=admin_user, asset_id=asset_id, number=2)
    asset_version_approve(actor=admin_user, asset_id=assets[0], number=2)  # every shot's pin of it is now stale
    return {"assets": assets, "episode": str(episode.id), "shots": shots}


def test_every_page_takes_a_bounded_number_of_queries_on_a_catalog_of_hundreds(
        catalog, admin_user, django_assert_max_num_queries):
    # given the studio admin signed in on a catalog of hundreds of assets and shots
    client = Client()
    client.force_login(admin_user)
    first, middle = catalog["assets"][0], catalog["shots"][SHOTS // 2]
    urls = {"library": "/library/", "library-table": "/library/?view=table&page=3", "asset": f"/assets/{first}/",
            "approvals": "/approvals/", "storyboard": f"/episodes/{catalog['episode']}/", "shot": f"/shots/{middle}/",
            "impact": f"/assets/{first}/impact/", "episodes": "/episodes/", "jobs": "/jobs/",
            "consistency": f"/episodes/{catalog['episode']}/consistency/"}
    # when each page is asked for, then it answers within its query budget
    for name, url in urls.items():
        with django_assert_max_num_queries(LIMITS[name]):
            response = client.get(url)
        assert response.status_code == 200, (name, response.content[:500])
    # and the pages show the catalog: stale pins on the storyboard, the whole inbox, the library's pages
    assert client.get(f"/episodes/{catalog['episode']}/").content.count(b"stale: v2 approved") == SHOTS
    inbox = client.get("/approvals/").content
    assert inbox.count(b'class="inbox-item"') == 50
    assert f"{ASSETS // 2 - 1} in review".encode() in inbox and b"Page 1 of 3" in inbox
    assert b"Page 1 of 7" in client.get("/library/").content
