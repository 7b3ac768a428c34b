from __future__ import annotations

from typing import Any

import pytest

from tests.episodes import catalog

# The catalog fixtures, bound here so pytest finds them.
episode, make_asset, make_episode = catalog.episode, catalog.make_asset, catalog.make_episode
make_shot, new_version, previz, revise = catalog.make_shot, catalog.new_version, catalog.previz, catalog.revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def lineage(api: Any, make_asset: Any, episode: Any, make_shot: Any) -> dict[str, Any]:
    """Coat v1 inside Mara v1, a winter variant of coat v1, one shot casting both, a locked cut."""
    coat = make_asset("Sea coat", "costume")
    mara = make_asset("Mara", components=[{"asset": str(coat.id), "version": 1}])
    winter = make_asset("Sea coat (winter)", "costume", derived_from={"asset": str(coat.id), "version": 1})
    shot = make_shot(episode, (mara, 1), (winter, 1), title="Arrival")
    cut = api.post(f"/api/episodes/{episode.id}/lock/").json()["cut"]
    return {"coat": coat, "mara": mara, "winter": winter, "shot": shot, "cut": cut, "episode": episode}


def _edges(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["from"], e["type"], e["to"]) for e in body["edges"]}


def test_the_graph_around_an_asset_version_shows_its_components_variants_and_casting(
    api: Any, lineage: dict[str, Any],
) -> None:
    # given
    coat, mara, winter, shot = (lineage[k] for k in ("coat", "mara", "winter", "shot"))
    coat_v1 = f"asset_version:{coat.id}:1"
    # when
    body = api.get(f"/api/lineage/graph/?node={coat_v1}&depth=1").json()
    # then
    assert _edges(body) == {
        (coat_v1, "version_of", f"asset:{coat.id}"),
        (coat_v1, "component_of", f"asset_version:{mara.id}:1"),
        (f"asset_version:{winter.id}:1", "derived_from", coat_v1),
    }
    by_id = {n["id"]: n for n in body["nodes"]}
    assert by_id[coat_v1] == {"id": coat_v1, "type": "asset_version", "label": "Sea coat v1",
                              "url": f"/api/assets/{coat.id}/versions/1/", "status": "approved"}
    assert by_id[f"asset:{coat.id}"]["url"] == f"/api/assets/{coat.id}/"
    deeper = api.get(f"/api/lineage/graph/?node={coat_v1}&depth=2").json()
    assert (f"shot_revision:{shot.id}:1", "casts", f"asset_version:{mara.id}:1") in _edges(deeper)


def test_the_graph_around_a_shot_revision_shows_its_pins_model_and_cut(
    api: Any, lineage: dict[str, Any], previz: Any, revise: Any,
) -> None:
    # given
    shot, mara, winter, cut = (lineage[k] for k in ("shot", "mara", "winter", "cut"))
    revise(shot, seed=11)
    revision = f"shot_revision:{shot.id}:1"
    # when
    body = api.get(f"/api/lineage/graph/?node={revision}&depth=1").json()
    # then
    assert _edges(body) == {
        (revision, "revision_of", f"shot:{shot.id}"),
        (revision, "casts", f"asset_version:{mara.id}:1"),
        (revision, "casts", f"asset_version:{winter.id}:1"),
        (revision, "uses_model", f"model:{previz.id}"),
        (revision, "locked_in", f"cut:{cut}"),
    }
    urls = {n["id"]: n["url"] for n in body["nodes"]}
    assert urls[f"cut:{cut}"] == f"/api/cuts/{cut}/"
    assert urls[revision] == f"/api/shots/{shot.id}/revisions/1/"
    assert urls[f"model:{previz.id}"] == f"/api/models/{previz.id}/"


def test_a_render_joins_the_graph_rendered_from_its_shot_revision_and_model(
    api: Any, lineage: dict[str, Any], previz: Any, rebuilt_equals_live: Any,
) -> None:
    # given
    from generation import services
    from generation.models import Job, JobItem

    job = Job.objects.get(pk=api.post(f"/api/episodes/{lineage['episode'].id}/render/").json()["job"])
    for item in JobItem.objects.filter(job_id=job.id):
        services.job_item_run(job_id=str(job.id), index=item.index)
    job.refresh_from_db()
    render = job.renders[0]
    # when
    body = api.get(f"/api/lineage/graph/?node=render:{render}&depth=1").json()
    # then
    assert _edges(body) == {
        (f"render:{render}", "rendered_from", f"shot_revision:{lineage['shot'].id}:1"),
        (f"render:{render}", "rendered_from", f"model:{previz.id}"),
    }
    assert {n["url"] for n in body["nodes"] if n["type"] == "render"} == {f"/api/renders/{render}/"}
    rebuilt_equals_live()


def test_the_graph_renders_as_an_svg_whose_nodes_link_to_their_api_pages(
    api: Any, lineage: dict[str, Any],
) -> None:
    # given
    mara, shot, cut = lineage["mara"], lineage["shot"], lineage["cut"]
    # when
    response = api.get(f"/api/lineage/graph/?node=shot_revision:{shot.id}:1&depth=2&format=svg")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg and "</svg>" in svg
    assert f'xlink:href="/api/assets/{mara.id}/versions/1/"' in svg
    assert f'xlink:href="/api/cuts/{cut}/"' in svg
    assert "Mara v1" in svg and "locked_in" in svg


def test_without_graphviz_pure_the_svg_graph_answers_503_naming_it_and_health_lists_it(
    api: Any, lineage: dict[str, Any], client: Any, monkeypatch: Any,
) -> None:
    # given: graphviz-pure is neither beside the interpreter nor on PATH
    monkeypatch.setattr("config.graphviz_program.graphviz_program", lambda: None)
    node = f"shot_revision:{lineage['shot'].id}:1"
    # when
    svg = api.get(f"/api/lineage/graph/?node={node}&depth=2&format=svg")
    as_json = api.get(f"/api/lineage/graph/?node={node}&depth=2")
    health = client.get("/api/health/")
    # then
    assert svg.status_code == 503
    assert svg.json()["code"] == "part_missing" and svg.json()["extra"] == {"part": "graphviz-pure"}
    assert "pip install graphviz-pure" in svg.json()["message"]
    assert as_json.status_code == 200
    assert health.status_code == 200
    assert health.json()["optional"] == {"graph_svg": "missing: graphviz-pure (pip install graphviz-pure)"}


def test_health_names_the_installed_graph_renderer(client: Any) -> None:
    # when
    body = client.get("/api/health/").json()
    # then
    assert body["optional"]["graph_svg"].startswith("graphviz-pure 0.")


def test_the_graph_refuses_bad_nodes_as_json_and_hides_other_studios(
    api: Any, lineage: dict[str, Any], client_for: Any, make_user: Any,
) -> None:
    # given
    node = f"asset_version:{lineage['mara'].id}:1"
    outsider = client_for(make_user("olga"))
    # when
    bad = api.get("/api/lineage/graph/?node=planet:earth&format=svg")
    missing = api.get(f"/api/lineage/graph/?node=asset_version:{lineage['mara'].id}:9")
    hidden = outsider.get(f"/api/lineage/graph/?node={node}&format=svg")
    # then
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_node"
    assert missing.status_code == 404
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"


def test_the_graph_shows_only_the_callers_studios(
    api: Any, lineage: dict[str, Any], client_for: Any, make_user: Any,
) -> None:
    # given: another studio's member sees nothing of ours even from a node of their own
    from studios.services import studio_create

    rival = make_user("rival")
    studio = studio_create(actor=rival, name="Rival Pictures")
    from assets.services import asset_create

    spy = asset_create(actor=rival, studio_id=str(studio.id), kind="character", name="Spy",
                       attributes={"description": "theirs"})
    # when
    body = client_for(rival).get(f"/api/lineage/graph/?node=asset:{spy.id}&depth=6").json()
    # then
    assert {n["id"] for n in body["nodes"]} == {f"asset:{spy.id}", f"asset_version:{spy.id}:1"}


def test_the_lineage_graph_equals_a_rebuild_from_the_log(
    lineage: dict[str, Any], new_version: Any, revise: Any, rebuilt_equals_live: Any,
) -> None:
    # given
    new_version(lineage["coat"], approve=True)
    revise(lineage["shot"], cast=[{"asset": str(lineage["mara"].id), "version": 1}])
    # then
    rebuilt_equals_live()
