from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from demo.studio import STUDIO_NAME
from episodes.models import Episode, Shot
from generation.models import RenderModel
from studios.models import Membership, Studio

pytestmark = pytest.mark.django_db


def call(*args, **kwargs) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue()


def test_the_demo_loads_a_studio_ready_to_render_and_only_into_an_empty_database(make_user):
    # given an empty database

    # when
    output = call("demo", "--if-empty")
    again = call("demo", "--if-empty")
    # then
    studio = Studio.objects.get(name=STUDIO_NAME)
    assert "demo-admin" in output and "harbour-lights-dev-only" in output
    assert again == "the database is not empty: demo not loaded\n"
    assert sorted(Membership.objects.filter(studio=studio).values_list("role", flat=True)) == [
        "admin", "artist", "supervisor"]
    episodes = list(Episode.objects.filter(studio_id=studio.id).order_by("number"))
    assert [Shot.objects.filter(episode_id=e.id).count() for e in episodes] == [5, 4]
    assert list(RenderModel.objects.filter(studio_id=studio.id).values_list("name", flat=True)) == ["previz"]
    # run again without --if-empty, it loads nothing and prints the episode ids the walkthrough needs
    listed = call("demo")
    assert f"exists already ({studio.id})" in listed
    assert all(str(episode.id) in listed for episode in episodes)


def test_the_demo_has_a_shot_that_renders_as_a_48_frame_previz_clip():
    # given
    from django.contrib.auth import get_user_model

    from episodes.models import ShotRevision
    from generation.models import Render
    from generation.services import episode_render, job_item_run

    call("demo", "--if-empty")
    clip = ShotRevision.objects.get(frames=48)
    admin = get_user_model().objects.get(username="demo-admin")
    # when
    job = episode_render(actor=admin, episode_id=str(Shot.objects.get(pk=clip.shot_id).episode_id))
    for index in range(job.total):
        job_item_run(job_id=str(job.id), index=index)
    # then
    render = Render.objects.get(shot_id=str(clip.shot_id))
    assert (render.media["kind"], render.media["frames"], render.media["fps"]) == ("video", 48, 24)
    assert render.manifest["model"]["backend"] == "previz"
    assert Render.objects.filter(job_id=str(job.id), media__isnull=True).count() == 4
