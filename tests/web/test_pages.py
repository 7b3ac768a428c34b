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
