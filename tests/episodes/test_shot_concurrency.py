from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

import eventlog
from episodes.errors import StaleRevision
from episodes.models import ShotRevision


@pytest.mark.django_db(transaction=True)
def test_two_revisions_racing_from_the_same_revision_give_one_revision_and_one_409(
    admin_user: Any, episode: Any, make_asset: Any, make_shot: Any,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs PostgreSQL and real threads")
    # given
    from episodes.services import shot_revise

    shot = make_shot(episode, (make_asset("Mara"), 1))
    barrier, outcomes = threading.Barrier(2), []

    def revise(seed: int) -> None:
        try:
            barrier.wait()
            shot_revise(actor=admin_user, shot_id=str(shot.id), expected_revision=1, changes={"seed": seed})
            outcomes.append("revised")
        except StaleRevision as exc:
            outcomes.append(exc.extra["current_version"])
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=revise, args=(seed,)) for seed in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes, key=str) == [2, "revised"]
    assert [e.stream_version for e in eventlog.load_stream(f"shot-{shot.id}")] == [1, 2]
    assert ShotRevision.objects.filter(shot_id=shot.id).count() == 2
