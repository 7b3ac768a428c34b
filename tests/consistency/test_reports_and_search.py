"""Episode reports per character, the scoring actor on a real worker, look-alike and meaning search, isolation."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image, ImageEnhance

from consistency.search_index import index_add_render, index_forget_loaded, index_rebuild
from consistency.services import render_score
from tests.consistency.conftest import MEI_PALETTE


def _score_and_index(render_ids: list[str]) -> None:
    for render_id in render_ids:
        render_score(render_id=render_id)
        index_add_render(render_id=render_id)


def test_the_episode_report_lists_per_character_figures_and_the_command_prints_them(
    api: Any, episode_of: Callable[..., Any], render_episode: Callable[[Any], list[str]], cast: dict[str, Any],
    capsys: Any,
) -> None:
    # given
    episode = episode_of(["mei"], ["mei", "ines"])
    renders = render_episode(episode)
    _score_and_index(renders)
    # when
    body = api.get(f"/api/episodes/{episode.id}/consistency/").json()
    call_command("consistency", str(episode.id), "--user", "ada")
    # then
    assert body["embedder"] == "efficientnet-lite0@160"
    by_name = {c["name"]: c for c in body["characters"]}
    assert set(by_name) == {"Mei", "Captain Ines"}
    mei, ines = by_name["Mei"], by_name["Captain Ines"]
    assert (mei["shots"], ines["shots"]) == (2, 1)
    assert mei["min"] <= mei["mean"]
    assert sum(mei["verdicts"].values()) == 2
    assert mei["worst_shot"]["render"] in renders
    printed = capsys.readouterr().out
    assert "Mei" in printed and "Captain Ines" in printed


def test_the_consistency_command_names_an_episode_or_series_it_cannot_find_and_exits_2(
    api: Any, episode_of: Callable[..., Any],
) -> None:
    # given
    from django.core.management import CommandError

    episode_of(["mei"])
    # when
    with pytest.raises(CommandError) as refused:
        call_command("consistency", "ep42", "--user", "ada")
    # then
    assert refused.value.returncode == 2
    assert "No episode 'ep42'" in str(refused.value) and "Nor a series" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_finished_render_is_scored_by_the_consistency_actor_on_a_real_worker(
    episode_of: Callable[..., Any], render_episode: Callable[[Any], list[str]],
) -> None:
    # given: the in-process broker, and a render whose events commit
    import dramatiq

    from consistency.selectors import latest_score

    broker = dramatiq.get_broker()
    (render_id,) = render_episode(episode_of(["mei"]))  # commits: generation's signal queues the scoring
    assert broker.queues["consistency"].qsize() == 1  # rendering did not wait for the score
    # when: a worker starts (after the render, so that SQLite sees one writer at a time)
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        broker.join("consistency", timeout=120_000)
    finally:
        worker.stop()
    # then
    score = latest_score(render_id)
    assert score is not None and score.status == "scored"


def _new_drawing_of_mei() -> bytes:
    """Mei's portrait drawn again smaller, off-centre, relit, on another background."""
    from demo import art

    with Image.open(io.BytesIO(art.character_portrait("Mei", MEI_PALETTE, 0))) as portrait:
        figure = ImageEnhance.Brightness(portrait.convert("RGB")).enhance(1.15).resize((180, 180))
    canvas = Image.new("RGB", (256, 256), (120, 150, 190))
    canvas.paste(figure, (50, 40))
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def test_search_finds_mei_from_a_new_drawing_and_from_words_and_never_crosses_studios(
    api: Any, studio: Any, cast: dict[str, Any], episode_of: Callable[..., Any],
    render_episode: Callable[[Any], list[str]], make_user: Callable[..., Any], client_for: Callable[[Any], Any],
) -> None:
    # given: the studio's references indexed (rebuilt from the log), and a second studio with its own Mei
    from studios.services import studio_create
    from tests.generation.conftest import approved_asset

    _score_and_index(render_episode(episode_of(["ines"])))
    index_forget_loaded()
    assert index_rebuild(str(studio.id)) >= 4  # three references and the render
    rival = make_user("rival")
    other = studio_create(actor=rival, name="Other Studio")
    from demo import art

    approved_asset(rival, str(other.id), kind="character", name="Mei Copy", attributes={"description": "a girl"},
                   image=art.character_portrait("Mei", MEI_PALETTE, 0))
    index_rebuild(str(other.id))
    upload = io.BytesIO(_new_drawing_of_mei())
    upload.name = "mei.png"
    # when
    similar = api.post("/api/search/similar/", {"studio": str(studio.id), "file": upload}, format="multipart")
    words = api.get("/api/search/", {"studio": str(studio.id), "q": "a child who gathers glass on the beach"})
    rival_try = client_for(rival).get("/api/search/", {"studio": str(studio.id), "q": "Mei"})
    # then
    assert similar.status_code == 200, similar.json()
    first = similar.json()["results"][0]
    assert (first["kind"], first["asset"]) == ("asset_version", str(cast["mei"].id))
    assert words.json()["results"][0]["name"] == "Mei"
    ours = {str(cast[name].id) for name in cast}
    assert {r["asset"] for r in similar.json()["results"] if r["kind"] == "asset_version"} <= ours
    assert rival_try.status_code == 404


def test_uploading_a_reference_that_looks_like_an_existing_asset_warns_without_refusing(
    api: Any, studio: Any, cast: dict[str, Any],
) -> None:
    # given
    from demo import art

    index_rebuild(str(studio.id))
    upload = io.BytesIO(art.character_portrait("Mei", MEI_PALETTE, 0))
    upload.name = "again.png"
    # when
    response = api.post("/api/blobs/", {"file": upload, "studio": str(studio.id)}, format="multipart")
    # then
    assert response.status_code == 200  # the same bytes were stored already: nothing refused
    (warning,) = [w for w in response.json()["warnings"] if w["asset"] == str(cast["mei"].id)]
    assert warning["code"] == "looks_like_existing_asset"
