from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.episodes import catalog

# The catalog fixtures, bound here so pytest finds them.
episode, make_asset, make_episode = catalog.episode, catalog.make_asset, catalog.make_episode
make_shot, new_version, previz, revise = catalog.make_shot, catalog.new_version, catalog.previz, catalog.revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def wardrobe(make_asset: Any, new_version: Any) -> dict[str, Any]:
    """A coat (v1, v2 approved), Mara wearing coat v1, and two variants chained from coat v1."""
    coat = make_asset("Sea coat", "costume")
    mara = make_asset("Mara", components=[{"asset": str(coat.id), "version": 1}])
    winter = make_asset("Sea coat (winter)", "costume", derived_from={"asset": str(coat.id), "version": 1})
    torn = make_asset("Sea coat (winter, torn)", "costume", derived_from={"asset": str(winter.id), "version": 1})
    new_version(coat, approve=True)
    return {"coat": coat, "mara": mara, "winter": winter, "torn": torn}


def _step(asset: Any, version: int, relation: str) -> dict[str, Any]:
    return {"asset": str(asset.id), "version": version, "relation": relation}


def test_impact_finds_direct_component_and_variant_pins_of_older_versions_with_their_paths(
    api: Any, wardrobe: dict, make_episode: Any, make_shot: Any, revise: Any,
) -> None:
    # given
    coat, mara, winter, torn = (wardrobe[k] for k in ("coat", "mara", "winter", "torn"))
    pilot = make_episode(1)
    direct = make_shot(pilot, (coat, 1), order=1)
    worn = make_shot(pilot, (mara, 1), order=2)
    variant = make_shot(pilot, (torn, 1), order=3)
    make_shot(pilot, (coat, 2), order=4)
    moved = make_shot(pilot, (coat, 1), order=5)
    revise(moved, cast=[{"asset": str(coat.id), "version": 2}])
    second = make_episode(2, series=pilot.series)
    both = make_shot(second, (mara, 1), (coat, 1), order=1)
    # when
    body = api.get(f"/api/lineage/impact/?asset={coat.id}").json()
    # then
    assert body["asset"] == str(coat.id) and body["target_version"] == 2
    assert [(s["shot"], s["episode"], s["pinned_version"], s["via"]) for s in body["shots"]] == [
        (str(direct.id), str(pilot.id), 1, [_step(coat, 1, "pinned")]),
        (str(worn.id), str(pilot.id), 1, [_step(mara, 1, "pinned"), _step(coat, 1, "component")]),
        (str(variant.id), str(pilot.id), 1,
         [_step(torn, 1, "pinned"), _step(winter, 1, "derived_from"), _step(coat, 1, "derived_from")]),
        (str(both.id), str(second.id), 1, [_step(coat, 1, "pinned")]),
    ]
    assert [(e["episode"], e["number"], e["shots"]) for e in body["episodes"]] == [
        (str(pilot.id), 1, 3), (str(second.id), 2, 1)]


def test_impact_follows_a_variant_of_a_component_at_any_depth(
    api: Any, wardrobe: dict, make_asset: Any, episode: Any, make_shot: Any,
) -> None:
    # given: a stunt double wears the torn winter coat (a variant of a variant of coat v1)
    coat, torn, winter = wardrobe["coat"], wardrobe["torn"], wardrobe["winter"]
    double = make_asset("Mara (stunt)", components=[{"asset": str(torn.id), "version": 1}])
    shot = make_shot(episode, (double, 1))
    # when
    body = api.get(f"/api/lineage/impact/?asset={coat.id}&version=2").json()
    # then
    assert [s["via"] for s in body["shots"] if s["shot"] == str(shot.id)] == [[
        _step(double, 1, "pinned"), _step(torn, 1, "component"), _step(winter, 1, "derived_from"),
        _step(coat, 1, "derived_from")]]


def test_impact_sees_a_variant_created_after_an_earlier_query(
    api: Any, wardrobe: dict, make_asset: Any, episode: Any, make_shot: Any,
) -> None:
    # given: a first query loads the studio's dependency graph into memory
    coat = wardrobe["coat"]
    assert api.get(f"/api/lineage/impact/?asset={coat.id}").json()["shots"] == []
    # when
    rain = make_asset("Sea coat (rain)", "costume", derived_from={"asset": str(coat.id), "version": 1})
    shot = make_shot(episode, (rain, 1))
    # then
    body = api.get(f"/api/lineage/impact/?asset={coat.id}").json()
    assert [(s["shot"], s["via"]) for s in body["shots"]] == [
        (str(shot.id), [_step(rain, 1, "pinned"), _step(coat, 1, "derived_from")])]


def test_a_pin_of_the_target_or_a_newer_version_is_not_affected(
    api: Any, make_asset: Any, new_version: Any, episode: Any, make_shot: Any,
) -> None:
    # given: coat v2 approved, v3 draft derived from v1 of itself
    coat = make_asset("Sea coat", "costume")
    new_version(coat, approve=True)
    new_version(coat, derived_from={"asset": str(coat.id), "version": 1})
    make_shot(episode, (coat, 2))
    make_shot(episode, (coat, 3))
    # when
    body = api.get(f"/api/lineage/impact/?asset={coat.id}").json()
    # then
    assert body["shots"] == [] and body["episodes"] == []


def test_impact_without_an_approved_version_or_a_given_one_is_refused_clearly(
    api: Any, make_asset: Any,
) -> None:
    # given
    sketch = make_asset("Sketch", approve=False)
    # when
    response = api.get(f"/api/lineage/impact/?asset={sketch.id}")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "no_target_version"
    assert response.json()["message"] == "Sketch has no approved version: give the version to compare with (version=N)."
    assert api.get(f"/api/lineage/impact/?asset={sketch.id}&version=1").status_code == 200


def test_impact_refuses_unknown_versions_and_hides_other_studios(
    api: Any, make_asset: Any, client_for: Any, make_user: Any,
) -> None:
    # given
    coat = make_asset("Sea coat", "costume")
    outsider = client_for(make_user("olga"))
    # when
    too_far = api.get(f"/api/lineage/impact/?asset={coat.id}&version=5")
    huge = api.get(f"/api/lineage/impact/?asset={coat.id}&version={2**70}")  # wider than any SQL integer
    hidden = outsider.get(f"/api/lineage/impact/?asset={coat.id}")
    # then
    assert too_far.status_code == 400
    assert too_far.json()["extra"]["fields"] == {"version": ["From 1 to 1."]}
    assert huge.status_code == 400
    assert hidden.status_code == 404
    assert api.get("/api/lineage/impact/?asset=not-a-uuid").status_code == 400


def test_the_impact_command_names_the_asset_by_name_and_prints_paths(
    wardrobe: dict, make_episode: Any, make_shot: Any, studio: Any, admin_user: Any,
) -> None:
    # given
    pilot = make_episode(1)
    make_shot(pilot, (wardrobe["mara"], 1), title="Arrival")
    out = StringIO()
    # when
    call_command("impact", "sea coat", "--studio", studio.name, "--user", "ada", stdout=out, stderr=StringIO())
    text = out.getvalue()
    as_json = StringIO()
    call_command("impact", str(wardrobe["coat"].id), "--version", "2", "--json", "--user", "ada", stdout=as_json)
    # then
    lines = text.splitlines()
    assert lines[0] == "Sea coat (costume): 1 shot(s) in 1 episode(s) pin a version older than v2."
    assert lines[1].split() == ["shot", "title", "revision", "version", "via"]
    assert lines[3].split() == ["ep01-sh01", "Arrival", "r1", "v1", "→", "v2", "Mara", "v1", "→", "component",
                                "Sea", "coat", "v1"]
    assert json.loads(as_json.getvalue())["shots"][0]["revision"] == 1


def test_the_impact_command_explains_what_it_can_not_do(make_asset: Any, admin_user: Any) -> None:
    # given
    from assets.services import asset_create
    from studios.services import studio_create

    make_asset("Sketch", approve=False)
    other = studio_create(actor=admin_user, name="Second Unit")
    asset_create(actor=admin_user, studio_id=str(other.id), kind="character", name="Sketch",
                 attributes={"description": "another sketch"})
    # then
    with pytest.raises(CommandError, match="2 assets match the name 'Sketch'") as ambiguous:
        call_command("impact", "Sketch", "--user", "ada", stderr=StringIO())
    with pytest.raises(CommandError, match="No asset 'Nobody' in the studios of ada") as unknown:
        call_command("impact", "Nobody", "--user", "ada", stderr=StringIO())
    with pytest.raises(CommandError, match="has no approved version") as refused:
        call_command("impact", "Sketch", "--studio", "Harbour Films", "--user", "ada", stderr=StringIO())
    assert (ambiguous.value.returncode, unknown.value.returncode, refused.value.returncode) == (2, 2, 1)
    assert "Sketch (character, v1, Second Unit)" in str(ambiguous.value)


def test_dependencies_of_a_shot_and_of_a_cut_include_components_derivations_and_the_model(
    api: Any, wardrobe: dict, episode: Any, make_shot: Any, previz: Any, revise: Any,
) -> None:
    # given
    mara, torn, winter, coat = (wardrobe[k] for k in ("mara", "torn", "winter", "coat"))
    shot = make_shot(episode, (mara, 1), (torn, 1))
    cut = api.post(f"/api/episodes/{episode.id}/lock/").json()
    revise(shot, cast=[{"asset": str(mara.id), "version": 1}])
    # when
    of_shot = api.get(f"/api/lineage/dependencies/?node=shot:{shot.id}").json()
    of_cut = api.get(f"/api/lineage/dependencies/?node=cut:{cut['cut']}").json()
    # then
    assert {(v["asset"], v["version"]): [s["relation"] for s in v["via"]] for v in of_shot["asset_versions"]} == {
        (str(mara.id), 1): ["pinned"], (str(coat.id), 1): ["pinned", "component"]}
    assert {(v["asset"], v["version"]) for v in of_cut["asset_versions"]} == {
        (str(mara.id), 1), (str(coat.id), 1), (str(torn.id), 1), (str(winter.id), 1)}
    assert [m["id"] for m in of_cut["models"]] == [str(previz.id)]
    assert of_cut["revisions"] == [f"{shot.id}:1"] and of_shot["revisions"] == [f"{shot.id}:2"]


def test_dependencies_refuse_bad_nodes_and_hide_other_studios(
    api: Any, episode: Any, make_asset: Any, make_shot: Any, client_for: Any, make_user: Any,
) -> None:
    # given
    shot = make_shot(episode, (make_asset("Mara"), 1))
    # when
    bad = api.get("/api/lineage/dependencies/?node=asset:whatever")
    hidden = client_for(make_user("olga")).get(f"/api/lineage/dependencies/?node=shot:{shot.id}")
    # then
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_node"
    assert hidden.status_code == 404
