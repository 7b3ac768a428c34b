"""Concurrent revisions with real threads on PostgreSQL (SQLite has a single writer: nothing to race)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from assets import services
from assets.errors import AssetVersionConflict
from assets.models import Asset, AssetVersion

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"),
]


def _run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released together; return each result or exception."""
    from django.db import connections

    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001  (collected for the assertions)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_clients_revising_from_the_same_version_one_wins_the_other_gets_409(make_asset, admin_user):
    # given
    asset = make_asset()
    # when
    results = _run_threads(2, lambda i: services.asset_version_create(
        actor=admin_user, asset_id=str(asset.id), expected_version=1, attributes={"description": f"take {i}"}))
    # then
    won = [r for r in results if isinstance(r, AssetVersion)]
    lost = [r for r in results if isinstance(r, AssetVersionConflict)]
    assert (len(won), len(lost)) == (1, 1), results
    assert won[0].number == 2
    assert lost[0].extra == {"current_version": 2, "expected_version": 1}
    assert list(AssetVersion.objects.filter(asset=asset).order_by("number").values_list("number", flat=True)) == [1, 2]


def test_many_writers_retrying_use_every_version_number_once_and_skip_none(make_asset, admin_user):
    # given
    asset = make_asset()
    writers, revisions_each = 4, 3

    def revise(index: int) -> int:
        made = 0
        while made < revisions_each:
            latest = Asset.objects.get(pk=asset.id).latest_version
            try:
                services.asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=latest,
                                              attributes={"description": f"writer {index}"})
                made += 1
            except AssetVersionConflict:
                continue
        return made

    # when
    results = _run_threads(writers, revise)
    # then
    assert results == [revisions_each] * writers
    numbers = list(AssetVersion.objects.filter(asset=asset).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, writers * revisions_each + 2))
    assert Asset.objects.get(pk=asset.id).latest_version == writers * revisions_each + 1
