"""Every page answers for a signed-in member, with the roles' buttons, and refuses like the API."""

from __future__ import annotations

from tests.web.conftest import ids


def test_every_page_renders_for_the_demo_supervisor(signed_in, demo):
    # given the demo supervisor signed in
    client = signed_in("demo-supervisor")
    known = ids(demo)
    mei, episode = known["assets"]["Mei"], known["episodes"][0]
    from episodes.models import Shot

    shot = str(Shot.objects.filter(episode_id=episode).order_by("order").first().id)
    # when each page is asked for, then each answers 200
    for url in ["/library/", "/library/?view=table&kind=character", f"/assets/{mei}/", f"/assets/{mei}/versions/new/",
                "/assets/new/?kind=prop", "/approvals/", "/episodes/", f"/episodes/{episode}/", f"/shots/{shot}/",
                f"/assets/{mei}/impact/", "/jobs/", "/audit/", "/audit/verify/", "/rights/",
                f"/episodes/{episode}/availability/", f"/lineage/?node=asset:{mei}"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:2000])


def test_the_sign_in_page_is_what_slash_shows_to_anyone_signed_out(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign in to Continuity Studio" in response.content
    assert client.get("/library/").status_code == 302


def test_an_artist_queues_a_render_from_the_storyboard_and_cancels_it_from_the_jobs_page(signed_in, demo):
    from generation.models import Job

    # given the artist on an episode (no worker runs here, so the job stays queued)
    artist = signed_in("demo-artist")
    episode = ids(demo)["episodes"][1]
    # when she renders it, then the storyboard shows the job polling for progress
    page = artist.post(f"/episodes/{episode}/render/", follow=True)
    job = Job.objects.get(episode_id=episode)
    assert b"Render job queued: 4 shot(s)." in page.content
    assert f'hx-get="/jobs/{job.id}/?polling=1"'.encode() in page.content
    # when she cancels it from the jobs page, then it is cancelled and its progress stops polling
    assert b"Cancel render job" in artist.get("/jobs/").content
    assert artist.post(f"/jobs/{job.id}/cancel/").status_code == 302
    progress = artist.get(f"/jobs/{job.id}/?polling=1")
    assert b'data-status="cancelled"' in progress.content and b"hx-trigger" not in progress.content
    assert b'aria-label="Shots of this job"' in progress.content and b"1. 2.1 Morning mist" in progress.content
    assert progress["HX-Trigger"] == "job-finished"
    # and cancelling a finished job is the API's 422
    assert artist.post(f"/jobs/{job.id}/cancel/").status_code == 422


def test_a_member_of_two_studios_switches_and_the_library_follows(signed_in, demo):
    from django.contrib.auth import get_user_model

    from assets.services import asset_create
    from demo.studio import DEMO_PASSWORD, USERS
    from studios.services import member_add, studio_create

    # given the demo supervisor also a member of a second studio with one asset
    owner = get_user_model().objects.create_user(username="owner", password=DEMO_PASSWORD)
    second = studio_create(actor=owner, name="Aardvark Animation")
    member_add(actor=owner, studio_id=str(second.id), username=USERS["supervisor"], role="viewer")
    asset_create(actor=owner, studio_id=str(second.id), kind="prop", name="Aardvark Kite", attributes={})
    client = signed_in("demo-supervisor")
    # when she picks the second studio
    response = client.post("/studio/", {"studio": str(second.id)}, follow=True)
    # then the library is that studio's, with her role there
    assert b"Aardvark Kite" in response.content and b"Mei" not in response.content
    assert b"<span data-role>viewer</span>" in response.content


def test_the_audit_log_filters_by_type_and_stream_and_is_refused_to_an_artist(signed_in, demo):
    import eventlog

    supervisor = signed_in("demo-supervisor")
    approved = supervisor.get("/audit/?type=AssetVersionApproved").content.decode()
    expected = sum(1 for e in eventlog.read_after(0, limit=1000) if e.type == "AssetVersionApproved")
    assert expected and approved.count("<td>AssetVersionApproved</td>") == expected
    assert "<td>AssetCreated</td>" not in approved
    lantern = ids(demo)["assets"]["Storm Lantern"]
    stream = supervisor.get(f"/audit/?stream=asset-{lantern}").content.decode()
    assert stream.count(f"asset-{lantern}</a>") == 4  # created, its v1, submitted, approved
    assert signed_in("demo-artist").get("/audit/").status_code == 403
