"""A locked cut exports from the storyboard, a clip plays on its shot page, and provenance shows C2PA."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from tests.web.conftest import ids
from tests.web.test_query_counts import LIMITS


@pytest.fixture
def rendered(demo: Any) -> dict[str, Any]:
    """The demo's first episode rendered (its clip shot included) by the render command, run here, and a viewer."""
    from django.contrib.auth import get_user_model

    from demo.studio import DEMO_PASSWORD, USERS
    from studios.services import member_add

    admin = get_user_model().objects.get(username=USERS["admin"])
    member_add(actor=admin, studio_id=str(demo.id), username="demo-viewer", password=DEMO_PASSWORD, role="viewer")
    episode = ids(demo)["episodes"][0]
    call_command("render", episode, "--user", "demo-artist", stdout=io.StringIO(), stderr=io.StringIO())
    return {"episode": episode}


def test_an_artist_exports_a_locked_cut_watches_it_and_downloads_the_file(signed_in, rendered,
                                                                          django_assert_max_num_queries):
    from delivery.models import Export
    from delivery.services import export_run
    from episodes.models import Cut

    # given the artist on the storyboard of a rendered episode she locks
    artist, episode = signed_in("demo-artist"), rendered["episode"]
    artist.post(f"/episodes/{episode}/lock/")
    cut = Cut.objects.get(episode_id=episode)
    page = artist.get(f"/episodes/{episode}/").content
    formats = ("otio", "otioz", "edl", "fcp7xml", "fcpxml", "mp4")
    assert all(f'name="format" value="{f}"'.encode() in page for f in formats)
    # when she exports it as an EDL, then the storyboard shows the export polling for progress
    page = artist.post(f"/cuts/{cut.id}/exports/", {"format": "edl"}, follow=True).content
    export = Export.objects.get(cut_id=cut.id, format="edl")
    assert b"Export of cut 1 as edl queued." in page
    assert f'hx-get="/exports/{export.id}/"'.encode() in page and b'data-status="queued"' in page
    # when a worker makes it, then the progress stops polling and links the file, served as an attachment
    export_run(export_id=str(export.id))
    progress = artist.get(f"/exports/{export.id}/").content
    export.refresh_from_db()
    assert b'data-status="succeeded"' in progress and b"hx-trigger" not in progress
    assert f'href="/api/blobs/{export.blob}/" download="cut-{cut.id}.edl"'.encode() in progress
    download = artist.get(f"/api/blobs/{export.blob}/")
    assert download.status_code == 200 and "Content-Disposition" in download
    assert b"TITLE:" in b"".join(download.streaming_content)
    # and the storyboard listing the cut's exports keeps its query budget (tests/web/test_query_counts.py)
    artist.post(f"/cuts/{cut.id}/exports/", {"format": "otio"})
    with django_assert_max_num_queries(LIMITS["storyboard"]):
        assert artist.get(f"/episodes/{episode}/").content.count(b'class="export"') == 2
    # and asking again shows the existing export rather than queueing another
    again = artist.post(f"/cuts/{cut.id}/exports/", {"format": "edl"}, follow=True).content
    assert b"already exported as edl" in again and Export.objects.filter(cut_id=cut.id).count() == 2


def test_exports_are_refused_like_the_api(signed_in, demo, rendered, no_new_events):
    from episodes.models import Cut

    artist, viewer, episode = signed_in("demo-artist"), signed_in("demo-viewer"), rendered["episode"]
    artist.post(f"/episodes/{episode}/lock/")
    cut = Cut.objects.get(episode_id=episode)
    assert b'name="format"' not in viewer.get(f"/episodes/{episode}/").content
    with no_new_events():
        assert viewer.post(f"/cuts/{cut.id}/exports/", {"format": "edl"}).status_code == 403
        assert artist.post(f"/cuts/{cut.id}/exports/", {"format": "avi"}).status_code == 400
        assert artist.post("/cuts/00000000-0000-0000-0000-000000000000/exports/", {"format": "edl"}).status_code == 404
    # and a cut of an episode not rendered yet is the API's 422, naming what to do
    unrendered = ids(demo)["episodes"][1]
    artist.post(f"/episodes/{unrendered}/lock/")
    with no_new_events():
        refused = artist.post(f"/cuts/{Cut.objects.get(episode_id=unrendered).id}/exports/", {"format": "otio"})
    assert refused.status_code == 422 and b"render them first" in refused.content


def test_a_clip_plays_with_frame_stepping_and_its_card_says_it_is_a_clip(signed_in, rendered):
    from episodes.models import Shot
    from generation.models import Render

    # given the rendered clip shot of the demo
    clip = Render.objects.filter(media__kind="video").get()
    client = signed_in("demo-viewer")
    # when the storyboard and the shot page are shown
    cards = client.get(f"/episodes/{rendered['episode']}/").content
    page = client.get(f"/shots/{clip.shot_id}/").content
    # then the card names the clip and the shot page plays its MP4 over its poster with frame-stepping buttons
    assert b"clip: 48 frames at 24 fps" in cards and cards.count(b"data-clip-badge") == 1
    video = f'<video src="/api/blobs/{clip.media["video_sha256"]}/" poster="/api/blobs/{clip.image_sha256}/"'
    assert video.encode() in page and b'data-fps="24" data-frames="48"' in page
    assert b'aria-keyshortcuts=",">Previous frame</button>' in page and b">Next frame</button>" in page
    assert client.get(f"/api/blobs/{clip.media['video_sha256']}/")["Content-Type"] == "video/mp4"
    # and a still shot's page shows its image, no video
    still = Shot.objects.filter(episode_id=rendered["episode"]).exclude(id=clip.shot_id).first()
    assert b"<video" not in client.get(f"/shots/{still.id}/").content


def test_the_provenance_check_shows_the_content_credentials_state(signed_in, rendered):
    from generation.models import Render

    client = signed_in("demo-viewer")
    render = Render.objects.order_by("created_at").first()
    report = client.get(f"/renders/{render.id}/provenance/").content
    assert b'data-c2pa="trusted"' in report and b"trusted: signed by a trusted certificate" in report
    assert b"Provenance verified" in report and b"recorded at event" in report
