"""Consistency in the studio: a verdict badge on every render, the episode's report per character, worst first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from consistency.services import render_score


def _render_off_model(studio: Any, admin_user: Any, episode: Any, cast: dict[str, Any]) -> str:
    """Render the episode's shots, the last one from Captain Ines's reference where Mei is cast; return its id."""
    from generation.manifests import manifest_hash
    from generation.models import Job
    from generation.services import job_item_run
    from generation.services.jobs import current_revisions, job_queue, render_items

    items = render_items(current_revisions(str(episode.id)), studio_id=str(studio.id))
    manifest = items[-1]["manifest"]
    for reference in manifest["request"]["references"]:
        if reference["kind"] == "character":
            reference.update(name="Captain Ines", sha256=cast["ines"].versions.get(number=1).references[0])
    items[-1]["manifest_hash"] = manifest_hash(manifest)
    job = job_queue(actor=admin_user, studio_id=str(studio.id), kind="render", items=items,
                    episode_id=str(episode.id))
    for index in range(job.total):
        job_item_run(job_id=str(job.id), index=index)
    renders = list(Job.objects.get(pk=job.id).renders)
    for render_id in renders:
        render_score(render_id=render_id)
    return renders[-1]


@pytest.fixture
def scored(studio: Any, admin_user: Any, episode_of: Callable[..., Any], cast: dict[str, Any]) -> dict[str, Any]:
    """An episode of two Mei shots, both rendered and scored, the second rendered off model."""
    from episodes.models import Shot

    episode = episode_of(["mei"], ["mei"])
    off = _render_off_model(studio, admin_user, episode, cast)
    in_order = Shot.objects.filter(episode_id=episode.id).order_by("order")
    shots = [str(pk) for pk in in_order.values_list("id", flat=True)]
    client = Client()
    client.force_login(admin_user)
    return {"episode": str(episode.id), "shots": shots, "off": off, "client": client}


def test_a_scored_render_shows_its_verdict_on_the_storyboard_card_and_the_shot_page(scored: dict[str, Any]) -> None:
    # given two scored renders of Mei, the second off model
    client = scored["client"]
    # when
    board = client.get(f"/episodes/{scored['episode']}/").content.decode()
    first = client.get(f"/shots/{scored['shots'][0]}/").content.decode()
    second = client.get(f"/shots/{scored['shots'][1]}/").content.decode()
    # then: each card and shot page says its verdict in words, with Mei's score in text
    assert board.count("Consistency: ") == 2
    assert 'data-consistency="off_model"' in board and "Consistency: off model" in board
    assert "Mei: 0." in board and "of baseline" in board
    assert "Consistency: off model" in second and "Mei: " in second and "off model</li>" in second
    assert "Consistency: off model" not in first and 'data-consistency="' in first


def test_an_unscored_render_shows_pending(studio: Any, admin_user: Any, episode_of: Callable[..., Any],
                                         render_episode: Callable[[Any], list[str]]) -> None:
    # given a rendered shot no worker has scored yet
    episode = episode_of(["ines"])
    render_episode(episode)
    client = Client()
    client.force_login(admin_user)
    # when
    board = client.get(f"/episodes/{episode.id}/").content.decode()
    # then
    assert "Consistency: pending" in board and 'data-consistency="pending"' in board


def test_the_episode_consistency_page_lists_characters_and_the_worst_shot_first(scored: dict[str, Any]) -> None:
    # given
    from consistency.selectors import episode_report
    from episodes.models import Episode

    client = scored["client"]
    # when
    response = client.get(f"/episodes/{scored['episode']}/consistency/")
    # then: the report the API serves, per character, and the off-model shot leads the worst-first list
    assert response.status_code == 200
    page = response.content.decode()
    user = response.wsgi_request.user
    report = episode_report(user=user, episode_id=str(Episode.objects.get(pk=scored["episode"]).id))
    (mei,) = report["characters"]
    assert mei["shots"] == 2 and mei["verdicts"]["off_model"] >= 1
    assert "<th scope=\"row\"><a" in page and ">Mei</a></th><td>2</td>" in page
    worst = page[page.index("data-worst-shots"):]
    assert worst.index(f"/shots/{scored['shots'][1]}/") < worst.index(f"/shots/{scored['shots'][0]}/")
    assert "off model</span>" in worst.split("</li>")[0]
    assert f"/shots/{mei['worst_shot']['shot']}/" == f"/shots/{scored['shots'][1]}/"
    assert f'href="/episodes/{scored["episode"]}/consistency/"' in client.get(
        f"/episodes/{scored['episode']}/").content.decode()


def test_another_studios_consistency_page_is_404(scored: dict[str, Any], make_user: Callable[..., Any]) -> None:
    # given a stranger signed in to a studio of their own
    from studios.services import studio_create

    stranger = make_user("stranger")
    studio_create(actor=stranger, name="Other")
    client = Client()
    client.force_login(stranger)
    # when / then
    assert client.get(f"/episodes/{scored['episode']}/consistency/").status_code == 404
    assert client.get(f"/shots/{scored['shots'][1]}/").status_code == 404
