"""The demo studio's story: every render scored with a verdict, reports per character, Mei found by words."""

from __future__ import annotations

from consistency.search import library_search
from consistency.search_index import index_add_render
from consistency.selectors import latest_score
from consistency.services import render_score


def test_every_render_of_the_demo_gets_a_score_and_a_verdict_and_words_find_mei(db: None) -> None:
    # given: the demo studio, both episodes rendered (previz)
    from demo.studio import USERS, demo_load
    from episodes.models import Episode
    from generation.models import Job
    from generation.services import episode_render, job_item_run
    from studios.models import Studio

    demo_load(log=lambda line: None)
    studio = Studio.objects.get()
    from django.contrib.auth import get_user_model

    artist = get_user_model().objects.get(username=USERS["artist"])
    renders = []
    for episode in Episode.objects.order_by("number"):
        job = episode_render(actor=artist, episode_id=str(episode.id))
        for index in range(job.total):
            job_item_run(job_id=str(job.id), index=index)
        renders += Job.objects.get(pk=job.id).renders
    # when
    for render_id in renders:
        render_score(render_id=render_id)
        index_add_render(render_id=render_id)
    found = library_search(studio_id=str(studio.id), q="a child who gathers glass on the beach")
    # then
    assert len(renders) == 9
    for render_id in renders:
        score = latest_score(render_id)
        assert score is not None and score.status == "scored"
        assert score.cast and all(c["verdict"] in ("on_model", "drifting", "off_model") for c in score.cast)
    assert found[0]["name"] == "Mei"
