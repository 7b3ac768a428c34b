from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rights.selectors import episode_availability, pin_conflicts, render_conflicts
from rights.services import rights_suspend, rights_terminate

pytestmark = pytest.mark.django_db

GB_SVOD = {"territory": "GB", "media": "svod", "release_date": "2026-06-01"}


def test_an_asset_without_any_rights_record_is_studio_ip_and_never_conflicts(make_asset, make_episode, make_shot):
    # given
    original = make_asset("Harbour Cat")
    episode = make_episode([GB_SVOD])
    make_shot(episode, [(original, 1)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert conflicts == []


def test_a_covering_licence_makes_the_episode_available(make_asset, make_episode, make_shot, grant, admin_user):
    # given
    tern = make_asset("Captain Tern")
    cat = make_asset("Harbour Cat")
    grant(tern, restrictions=["no_ai_training"])
    episode = make_episode([GB_SVOD])
    make_shot(episode, [(tern, 1), (cat, 1)])

    # when
    answer = episode_availability(user=admin_user, episode_id=episode.id)

    # then
    assert answer["available"] is True
    assert answer["conflicts"] == []
    assert answer["checked"] == [{"territory": "GB", "media": "svod", "date": "2026-06-01", "language": None}]
    assert answer["unrestricted_assets"] == [str(cat.id)]
    assert [r["restrictions"] for r in answer["restrictions"]] == [["no_ai_training"]]


@pytest.mark.parametrize(("day", "reason"), [
    ("2025-12-31", "window_not_started"),
    ("2026-01-01", None),
    ("2026-12-31", None),
    ("2027-01-01", "window_expired"),
])
def test_the_licence_window_edges_are_inclusive(make_asset, make_episode, make_shot, grant, admin_user, day, reason):
    # given
    tern = make_asset("Captain Tern")
    grant(tern, window_start="2026-01-01", window_end="2026-12-31")
    episode = make_episode([])
    make_shot(episode, [(tern, 1)])

    # when
    answer = episode_availability(user=admin_user, episode_id=episode.id, territory="GB", media="svod",
                                  on=_date(day))

    # then
    assert answer["available"] is (reason is None)
    assert [c["reason"] for c in answer["conflicts"]] == ([reason] if reason else [])


def test_an_excluded_territory_names_the_shot_asset_version_and_clause(make_asset, make_episode, make_shot, grant):
    # given
    tern = make_asset("Captain Tern")
    record = grant(tern, territories={"worldwide": True, "include": [], "exclude": ["GB"]})
    episode = make_episode([GB_SVOD, {"territory": "FR", "media": "svod", "release_date": "2026-06-01"}])
    shot = make_shot(episode, [(tern, 1)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert conflicts == [{
        "shot": str(shot.id), "asset": str(tern.id), "version": 1, "via": [], "territory": "GB", "media": "svod",
        "date": "2026-06-01", "language": None, "reason": "territory_excluded", "rights": str(record.id),
        "detail": "GB is excluded.",
    }]


def test_the_closest_licence_is_blamed_when_none_covers(make_asset, make_episode, make_shot, grant):
    # given
    tern = make_asset("Captain Tern")
    grant(tern, territories={"worldwide": False, "include": ["FR"], "exclude": []})
    near = grant(tern, window_start="2026-07-01", window_end=None)
    episode = make_episode([GB_SVOD])
    make_shot(episode, [(tern, 1)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert [(c["reason"], c["rights"]) for c in conflicts] == [("window_not_started", str(near.id))]


def test_once_a_record_exists_the_records_govern_even_when_terminated(
        make_asset, make_episode, make_shot, grant, manager):
    # given
    tern = make_asset("Captain Tern")
    record = grant(tern)
    rights_terminate(actor=manager, rights_id=str(record.id), reason="Sold")
    episode = make_episode([GB_SVOD])
    make_shot(episode, [(tern, 1)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert [(c["reason"], c["rights"], c["detail"]) for c in conflicts] == [
        ("rights_terminated", str(record.id), "The covering rights are terminated.")]


def test_a_suspended_licence_covers_nothing(make_asset, make_episode, make_shot, grant, manager):
    # given
    tern = make_asset("Captain Tern")
    record = grant(tern)
    rights_suspend(actor=manager, rights_id=str(record.id))
    episode = make_episode([GB_SVOD])
    make_shot(episode, [(tern, 1)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert [c["reason"] for c in conflicts] == ["rights_suspended"]


def test_version_specific_rights_cover_only_that_version(
        make_asset, new_version, make_episode, make_shot, grant):
    # given
    tern = make_asset("Captain Tern")
    second = new_version(tern)
    grant(tern, asset_version=1)
    episode = make_episode([GB_SVOD])
    old_shot = make_shot(episode, [(tern, 1)])
    new_shot = make_shot(episode, [(tern, second)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert [(c["shot"], c["version"], c["reason"], c["detail"]) for c in conflicts] == [
        (str(new_shot.id), 2, "version_not_licensed", "Rights cover version(s) 1 only, not 2.")]
    assert render_conflicts(episode_id=episode.id, shot_ids=[old_shot.id]) == []


def test_a_licensed_component_of_a_pinned_version_is_checked_too(make_asset, make_episode, make_shot, grant):
    # given
    coat = make_asset("Storm Coat", kind="costume")
    grant(coat, media=["theatrical"])
    tern = make_asset("Captain Tern", components=[{"asset": str(coat.id), "version": 1}])
    episode = make_episode([GB_SVOD])
    make_shot(episode, [(tern, 1)])

    # when
    conflicts = render_conflicts(episode_id=episode.id)

    # then
    assert [(c["asset"], c["via"], c["reason"]) for c in conflicts] == [
        (str(coat.id), [{"asset": str(tern.id), "version": 1}], "media_not_licensed")]


def test_prospective_pins_can_be_checked_before_casting(make_asset, make_episode, grant):
    # given
    tern = make_asset("Captain Tern")
    grant(tern, media=["avod"])
    episode = make_episode([GB_SVOD])

    # when
    conflicts = pin_conflicts(episode_id=episode.id, cast=[{"asset": str(tern.id), "version": 1}])

    # then
    assert [(c["shot"], c["reason"]) for c in conflicts] == [("", "media_not_licensed")]


def test_render_conflicts_reads_pins_and_rights_in_a_few_queries(make_asset, make_episode, make_shot, grant):
    # given
    assets = [make_asset(f"Extra {n}") for n in range(6)]
    for asset in assets:
        grant(asset, media=["avod"])
    episode = make_episode([GB_SVOD, {"territory": "FR", "media": "svod", "release_date": "2026-06-01"}])
    for n in range(10):
        make_shot(episode, [(assets[n % 6], 1), (assets[(n + 1) % 6], 1)])

    # when
    with CaptureQueriesContext(connection) as queries:
        conflicts = render_conflicts(episode_id=episode.id)

    # then: the episode, the pins, one level of (absent) components, the rights
    assert len(queries) == 4
    assert len(conflicts) == 2 * 10 * 2


def _date(text):
    from datetime import date

    return date.fromisoformat(text)
