"""The story of the issue on the demo studio: render episode 1, lock it, deliver it in every format."""

from __future__ import annotations

import io

import av
import opentimelineio as otio
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.studio import STUDIO_NAME
from episodes.models import Episode
from episodes.services import cut_lock
from generation.credentials import verify_png
from generation.models import Render
from generation.rendering import read_blob
from studios.models import Studio

pytestmark = pytest.mark.django_db


def test_the_demos_locked_cut_exports_in_every_format_and_every_render_is_trusted(tmp_path):
    # given the demo's first episode, rendered and locked
    call_command("demo", stdout=io.StringIO())
    studio = Studio.objects.get(name=STUDIO_NAME)
    episode = Episode.objects.get(studio_id=studio.id, number=1)
    call_command("render", str(episode.id), "--user", "demo-artist", stdout=io.StringIO(), stderr=io.StringIO())
    cut = cut_lock(actor=get_user_model().objects.get(username="demo-artist"), episode_id=str(episode.id))
    # when
    call_command("export", str(cut.id), "--format", "all", "--output", str(tmp_path), "--user", "demo-artist",
                 stdout=io.StringIO(), stderr=io.StringIO())
    # then
    renders = Render.objects.filter(studio_id=studio.id)
    assert renders.count() == 5
    assert [verify_png(read_blob(r.image_sha256))["state"] for r in renders] == ["trusted"] * 5
    timeline = otio.adapters.read_from_file(str(tmp_path / f"cut-{cut.id}.otio"))
    assert len(list(timeline.find_clips())) == 5
    with av.open(str(tmp_path / f"cut-{cut.id}.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == timeline.duration().to_frames() == 5 * 48
    assert len(list(tmp_path.iterdir())) == 6
