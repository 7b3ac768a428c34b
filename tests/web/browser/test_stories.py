"""Whole stories in a real browser: each test is one person's (or two people's) path through the studio.

Every page a story visits is also checked with axe-core (no serious or critical violation).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.browser.conftest import axe_violations, require_chromium

require_chromium()
pytestmark = pytest.mark.django_db(transaction=True)


def _ids(studio: Any) -> dict[str, Any]:
    from tests.web.conftest import ids

    return ids(studio)


def _checked(page: Any, seen: list[str]) -> None:
    seen.extend(axe_violations(page))


def test_an_artist_uploads_a_reference_and_a_supervisor_approves_it_from_the_inbox_by_keyboard(
        live_demo, person, screenshots, tmp_path):
    from assets.models import Asset, AssetVersion
    from demo import art

    violations: list[str] = []
    # given the demo artist signed in, on Mei's page
    artist = person("demo-artist")
    _checked(artist, violations)
    screenshots(artist, "library")
    artist.get_by_role("link", name=re.compile(r"^Mei\b")).first.click()
    artist.wait_for_url("**/assets/**")
    _checked(artist, violations)
    # when she makes a new version with a new description and an uploaded reference, and submits it
    artist.get_by_role("link", name="New version").click()
    artist.get_by_label("Description").fill("Mei, now with a yellow scarf")
    artist.get_by_label("Palette").fill("#b22222 #ffd700")
    artist.set_input_files("#upload", files=[{"name": "mei-scarf.png", "mimeType": "image/png",
                                             "buffer": art.character_portrait("Mei", ["#b22222", "#ffd700"], 7)}])
    _checked(artist, violations)
    artist.get_by_role("button", name=re.compile(r"^Create v\d+")).click()
    artist.get_by_text(re.compile(r"Mei v\d+ created as a draft")).wait_for()
    mei = Asset.objects.get(name="Mei", studio_id=live_demo.id)
    number = mei.latest_version
    artist.get_by_role("button", name=f"Submit v{number} for review").click()
    artist.get_by_text(f"Mei v{number} submitted for review.").wait_for()
    # then the supervisor finds it in the inbox and approves it with the keyboard alone
    supervisor = person("demo-supervisor")
    supervisor.goto("/approvals/")
    _checked(supervisor, violations)
    screenshots(supervisor, "approvals")
    comment = supervisor.locator(".inbox-item", has_text=f"Mei v{number}").get_by_label("Comment")
    for _ in range(80):
        if comment.evaluate("el => el === document.activeElement"):
            break
        supervisor.keyboard.press("Tab")
    else:
        pytest.fail("the comment field is not reachable with Tab")
    supervisor.keyboard.type("Season 2 look")
    supervisor.keyboard.press("Tab")
    focused = supervisor.evaluate("document.activeElement.textContent")
    assert focused.strip() == f"Approve Mei v{number}"
    supervisor.keyboard.press("Enter")
    supervisor.get_by_text(f"Mei v{number} approved.").wait_for()
    version = AssetVersion.objects.get(pk=f"{mei.id}:{number}")
    assert version.status == "approved"
    previous = AssetVersion.objects.get(pk=f"{mei.id}:{number - 1}")
    assert version.references == [*previous.references, version.references[-1]]  # kept ones, then the upload
    assert version.references[-1] not in previous.references
    # and the compare view shows both versions with the A/B flip on a key press
    supervisor.goto(f"/assets/{mei.id}/?a=1&b={number}")
    flip = supervisor.locator("[data-flip]")
    flip.focus()
    assert supervisor.locator("[data-flip-a]").is_visible() and supervisor.locator("[data-flip-b]").is_hidden()
    supervisor.keyboard.press("f")
    assert supervisor.locator("[data-flip-b]").is_visible() and supervisor.locator("[data-flip-a]").is_hidden()
    assert supervisor.get_by_role("row", name=re.compile("description")).count() == 1
    screenshots(supervisor, "asset-compare")
    _checked(supervisor, violations)
    assert violations == []


def test_an_artist_renders_an_episode_watches_its_progress_and_reproduces_it(live_demo, worker, person, screenshots):
    violations: list[str] = []
    episode = _ids(live_demo)["episodes"][0]
    # given the artist on the first episode's storyboard
    artist = person("demo-artist")
    artist.get_by_role("link", name="Episodes").click()
    artist.get_by_role("link", name=re.compile(r"^1\. ")).click()
    artist.wait_for_url(f"**/episodes/{episode}/")
    _checked(artist, violations)
    # when she renders it
    artist.get_by_role("button", name="Render episode").click()
    # then the job's progress updates without a reload until it succeeds, and the cards show the renders
    artist.locator(".job[data-status]").first.wait_for()
    artist.locator('.job[data-status="succeeded"]').first.wait_for(timeout=60_000)
    artist.locator("img[data-render]").nth(4).wait_for()
    assert artist.locator("img[data-render]").count() == 5
    screenshots(artist, "storyboard")
    _checked(artist, violations)
    # when she reproduces it, then every shot is identical
    artist.get_by_role("button", name="Reproduce").first.click()
    artist.get_by_text("Reproduction: 5 identical, 0 different.").wait_for(timeout=60_000)
    # and the shot page checks a render's provenance against the log
    artist.locator(".shot-card a").first.click()
    artist.get_by_role("button", name="Check provenance").first.click()
    artist.get_by_text("Provenance verified").wait_for()
    assert artist.get_by_text("trusted: signed by a trusted certificate").first.is_visible()
    _checked(artist, violations)
    # and the clip's shot plays its MP4 and steps one frame at a time, by button and by key
    artist.get_by_role("link", name=re.compile(r"^Episode 1: ")).click()
    artist.locator(".shot-card", has=artist.locator("[data-clip-badge]")).locator("a").first.click()
    artist.get_by_role("button", name="Next frame").click()
    artist.get_by_text("Frame 2 of 48").wait_for()
    artist.keyboard.press(".")
    artist.get_by_text("Frame 3 of 48").wait_for()
    _checked(artist, violations)
    # and a locked cut exports from the storyboard, its progress turning into a download link
    artist.get_by_role("link", name=re.compile(r"^Episode 1: ")).click()
    artist.get_by_role("button", name="Lock a cut").click()
    artist.get_by_role("button", name="Export cut 1 as edl").click()
    artist.locator('.export[data-status="succeeded"] a[data-download]').wait_for(timeout=60_000)
    _checked(artist, violations)
    assert violations == []


def test_the_redesign_flow_goes_from_impact_to_plan_to_approval_to_before_and_after(
        live_demo, worker, person, screenshots):
    from django.contrib.auth import get_user_model

    import eventlog
    from assets.models import Asset
    from assets.services import asset_version_approve, asset_version_create, asset_version_submit
    from demo.studio import USERS
    from episodes.models import CastPin
    from generation.models import Job
    from generation.services import episode_render

    violations: list[str] = []
    admin = get_user_model().objects.get(username=USERS["admin"])
    known = _ids(live_demo)
    mei = Asset.objects.get(pk=known["assets"]["Mei"])
    # given episode 1 rendered with Mei v1, then Mei redesigned and the redesign approved
    job = episode_render(actor=admin, episode_id=known["episodes"][0])
    _wait_for(lambda: Job.objects.get(pk=job.id).status == "succeeded")
    version = asset_version_create(actor=admin, asset_id=str(mei.id), expected_version=mei.latest_version,
                                   attributes={"description": "Mei with a yellow scarf"}, note="season 2")
    asset_version_submit(actor=admin, asset_id=str(mei.id), number=version.number)
    asset_version_approve(actor=admin, asset_id=str(mei.id), number=version.number)
    # when the artist follows the impact banner on Mei's page and creates a plan
    artist = person("demo-artist")
    artist.goto(f"/assets/{mei.id}/")
    artist.get_by_role("link", name="See the impact and plan a re-render").click()
    pinning = CastPin.objects.filter(asset_id=mei.id, current=True).count()
    summary = artist.locator("[data-impact-summary]").inner_text()
    assert summary.startswith(f"Used by {pinning} shots in 2 episodes"), summary
    _checked(artist, violations)
    artist.get_by_role("button", name=f"Create a re-render plan to v{version.number}").click()
    artist.get_by_text("Waiting for a supervisor's approval.").wait_for()
    plan_url = artist.url
    assert artist.get_by_role("button", name="Execute plan").count() == 0
    # then a supervisor approves it
    supervisor = person("demo-supervisor")
    supervisor.goto(plan_url)
    _checked(supervisor, violations)
    supervisor.get_by_role("button", name="Approve plan").click()
    supervisor.get_by_text("Plan approved.").wait_for()
    # and the artist executes it and watches the re-render until before / after is shown
    before = eventlog.head_position()
    artist.reload()
    artist.get_by_role("button", name="Execute plan").click()
    artist.locator('.job[data-status="succeeded"]').wait_for(timeout=60_000)
    artist.locator("img[data-after]").nth(pinning - 1).wait_for()
    assert artist.locator("#before-after .before-after > li").count() == pinning
    assert eventlog.head_position() > before
    screenshots(artist, "before-after")
    _checked(artist, violations)
    assert violations == []


def test_a_viewer_sees_no_write_buttons_is_refused_when_posting_anyway_and_other_studios_are_404(
        live_demo, person, make_user):
    from django.contrib.auth import get_user_model

    import eventlog
    from assets.services import asset_create
    from demo.studio import DEMO_PASSWORD, USERS
    from studios.services import member_add, studio_create

    admin = get_user_model().objects.get(username=USERS["admin"])
    member_add(actor=admin, studio_id=str(live_demo.id), username="demo-viewer", password=DEMO_PASSWORD,
               role="viewer")
    stranger = make_user("stranger")
    other = studio_create(actor=stranger, name="Other Studio")
    secret = asset_create(actor=stranger, studio_id=str(other.id), kind="prop", name="Secret Prop", attributes={})
    known = _ids(live_demo)
    mei, episode = known["assets"]["Mei"], known["episodes"][0]
    # given the viewer signed in
    viewer = person("demo-viewer")
    # then no page offers her a write
    assert viewer.get_by_role("button", name="Approve").count() == 0
    assert viewer.get_by_role("link", name="New asset").count() == 0
    viewer.goto(f"/assets/{mei}/")
    assert viewer.get_by_role("link", name="New version").count() == 0
    viewer.goto(f"/episodes/{episode}/")
    assert viewer.get_by_role("button", name="Render episode").count() == 0
    # when she posts anyway, then the services refuse as the API does (403) and nothing is appended
    token = next(c["value"] for c in viewer.context.cookies() if c["name"] == "csrftoken")
    before = eventlog.head_position()
    for url in (f"/episodes/{episode}/render/", f"/assets/{mei}/versions/1/retire/", f"/assets/{mei}/plans/"):
        response = viewer.request.post(url, headers={"X-CSRFToken": token, "Referer": viewer.url})
        assert response.status == 403, (url, response.status)
    assert "may not do this" in viewer.request.post(
        f"/episodes/{episode}/render/", headers={"X-CSRFToken": token, "Referer": viewer.url}).text()
    assert eventlog.head_position() == before
    # and another studio's pages answer 404, exactly like unknown ones
    unknown = "/assets/00000000-0000-0000-0000-000000000000/"
    for url in (f"/assets/{secret.id}/", f"/assets/{secret.id}/impact/", unknown):
        assert viewer.goto(url).status == 404, url
    viewer.goto(f"/assets/{mei}/")
    assert viewer.request.post(f"/assets/{secret.id}/versions/1/submit/",
                               headers={"X-CSRFToken": token, "Referer": viewer.url}).status == 404


def test_every_page_passes_axe_with_no_serious_or_critical_violation(live_demo, person, screenshots):
    from episodes.models import Shot

    known = _ids(live_demo)
    mei, episode = known["assets"]["Mei"], known["episodes"][0]
    shot = Shot.objects.filter(episode_id=episode).order_by("order").first().id
    pages = {"library": "/library/", "library-table": "/library/?view=table", "asset": f"/assets/{mei}/",
             "new-version": f"/assets/{mei}/versions/new/", "new-asset": "/assets/new/", "approvals": "/approvals/",
             "episodes": "/episodes/", "episode": f"/episodes/{episode}/", "shot": f"/shots/{shot}/",
             "impact": f"/assets/{mei}/impact/", "jobs": "/jobs/", "audit": "/audit/", "rights": "/rights/",
             "availability": f"/episodes/{episode}/availability/", "lineage": f"/lineage/?node=asset:{mei}",
             "consistency": f"/episodes/{episode}/consistency/",
             "asset-rights": f"/rights/?asset={mei}"}
    supervisor = person("demo-supervisor")
    violations: list[str] = []
    for name, url in pages.items():
        assert supervisor.goto(url).status == 200, url
        violations.extend(axe_violations(supervisor))
        if name in ("audit", "lineage", "shot"):
            screenshots(supervisor, name)
    admin = person("demo-admin")  # the rights grant form is a rights manager's or an admin's
    admin.goto(f"/rights/?asset={mei}")
    assert admin.get_by_role("button", name="Grant rights").count() == 1
    violations.extend(axe_violations(admin))
    supervisor.goto("/audit/")
    supervisor.locator("[data-verified]").wait_for()
    assert re.match(r"chain verified: \d+ events", supervisor.locator("[data-verified]").inner_text())
    signed_out = supervisor.context.browser.new_page(base_url=supervisor.url.split("/audit")[0])
    signed_out.goto("/")
    violations.extend(axe_violations(signed_out))
    signed_out.close()
    assert violations == []


def _wait_for(condition: Any, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the worker")
        time.sleep(0.2)
