"""Pages refuse exactly what the API refuses, with the API's status codes, and append nothing when they do."""

from __future__ import annotations

from tests.web.conftest import ids


def test_a_new_version_based_on_a_stale_one_is_409_someone_changed_this(signed_in, demo, no_new_events):
    # given the artist's form based on Mei's latest version, and someone else adding a version meanwhile
    artist = signed_in("demo-artist")
    mei = ids(demo)["assets"]["Mei"]
    from assets.models import Asset

    latest = Asset.objects.get(pk=mei).latest_version
    form = {"expected_version": str(latest), "attr.description": "one", "note": ""}
    assert artist.post(f"/assets/{mei}/versions/new/", form).status_code == 302
    # when the stale form is posted again
    with no_new_events():
        response = artist.post(f"/assets/{mei}/versions/new/", {**form, "attr.description": "two"})
    # then it is the API's 409, told as "someone changed this, reload"
    assert response.status_code == 409
    assert b"Someone changed this while you were looking at it" in response.content


def test_a_stale_shot_revision_is_409_and_a_bad_attribute_is_400_next_to_its_input(signed_in, demo, no_new_events):
    from episodes.models import Shot

    artist = signed_in("demo-artist")
    shot = Shot.objects.filter(episode_id=ids(demo)["episodes"][0]).order_by("order").first()
    from assets.models import Asset

    mei = ids(demo)["assets"]["Mei"]
    latest = str(Asset.objects.get(pk=mei).latest_version)  # the demo holds Mei's draft v2
    # when a revision is posted with an old expected revision
    with no_new_events():
        stale = artist.post(f"/shots/{shot.id}/revise/", {"expected_revision": "0", "prompt": "changed"})
        bad = artist.post(f"/assets/{mei}/versions/new/", {"expected_version": latest, "attr.palette": "red"})
    # then
    assert stale.status_code == 409 and b"Reload" in stale.content
    assert bad.status_code == 400
    assert b'aria-invalid="true"' in bad.content and b"hex colour" in bad.content


def test_an_htmx_refusal_is_swapped_into_the_flash_area_with_the_apis_status(signed_in, demo, no_new_events):
    # given the artist, who may not approve
    artist = signed_in("demo-artist")
    mei = ids(demo)["assets"]["Mei"]
    # when htmx posts an approval
    with no_new_events():
        response = artist.post(f"/assets/{mei}/versions/1/approve/", HTTP_HX_REQUEST="true")
    # then it is 403, retargeted at the flash area
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#flash"
    assert b"may not do this (asset.approve)" in response.content


def test_bulk_submit_then_approve_moves_each_selected_drafts_latest_version(signed_in, demo):
    from django.contrib.auth import get_user_model

    from assets.models import Asset
    from assets.services import asset_version_create
    from demo.studio import USERS

    admin = get_user_model().objects.get(username=USERS["admin"])
    chosen = [ids(demo)["assets"][name] for name in ("Storm Lantern", "Brass Compass")]
    for asset_id in chosen:
        latest = Asset.objects.get(pk=asset_id).latest_version
        asset_version_create(actor=admin, asset_id=asset_id, expected_version=latest, attributes={"description": "new"})
    # when the artist bulk-submits them and the supervisor bulk-approves them
    assert signed_in("demo-artist").post("/library/bulk/", {"step": "submit", "asset": chosen}).status_code == 302
    refused = signed_in("demo-artist").post("/library/bulk/", {"step": "approve", "asset": chosen}, follow=True)
    supervisor = signed_in("demo-supervisor")
    approved = supervisor.post("/library/bulk/", {"step": "approve", "asset": chosen}, follow=True)
    # then both are approved, and the artist's attempt was refused by name
    assert b"Storm Lantern: Your role (artist) may not do this (asset.approve)." in refused.content
    assert b"Approve: 2 of 2 done." in approved.content
    assert {a.latest_status for a in Asset.objects.filter(id__in=chosen)} == {"approved"}


def test_another_studios_pages_are_404_and_switching_to_it_is_404(signed_in, demo, make_user):
    from assets.services import asset_create
    from studios.services import studio_create

    stranger = make_user("stranger")
    other = studio_create(actor=stranger, name="Other")
    secret = asset_create(actor=stranger, studio_id=str(other.id), kind="prop", name="Secret", attributes={})
    supervisor = signed_in("demo-supervisor")
    assert supervisor.get(f"/assets/{secret.id}/").status_code == 404
    assert supervisor.get(f"/assets/{secret.id}/versions/new/").status_code == 404
    assert supervisor.post("/studio/", {"studio": str(other.id)}).status_code == 404


def test_an_admin_grants_rights_on_an_asset_and_the_availability_matrix_shows_the_conflict(signed_in, demo):
    from rights.models import RightsRecord

    # given the demo admin on the Storm Lantern's rights, and a supervisor (no rights.manage)
    admin, supervisor = signed_in("demo-admin"), signed_in("demo-supervisor")
    known = ids(demo)
    lantern, episode = known["assets"]["Storm Lantern"], known["episodes"][0]
    grant = {"asset": lantern, "licensor": "Lantern Co", "licensee": "Harbour Lights", "include": "FR",
             "media": ["svod"], "window_start": "2026-01-01"}
    # when the supervisor tries, then 403; when the admin grants France only, then the record exists
    assert supervisor.post("/rights/", grant).status_code == 403
    assert b"Grant rights" not in supervisor.get(f"/rights/?asset={lantern}").content
    assert admin.post("/rights/", {**grant, "media": []}).status_code == 400
    assert admin.post("/rights/", grant).status_code == 302
    assert RightsRecord.objects.filter(asset_id=lantern).count() == 1
    # and the episode's GB target is now a conflict for the lantern
    matrix = admin.get(f"/episodes/{episode}/availability/").content.decode()
    assert "2 conflicts" in matrix  # two of its shots pin the lantern
    assert matrix.count("✗ territory_not_included") == 1  # one cell: the lantern v1 × GB svod
    # and rendering the episode is refused before anything is queued, as the API refuses it (422)
    refused = admin.post(f"/episodes/{episode}/render/")
    assert refused.status_code == 422 and b"is not licensed for GB/svod" in refused.content


def test_a_supervisor_retires_a_version_from_the_asset_page_and_an_artist_sees_no_retire(signed_in, demo):
    from assets.models import AssetVersion

    compass = ids(demo)["assets"]["Brass Compass"]
    assert b"Retire v1" not in signed_in("demo-artist").get(f"/assets/{compass}/").content
    supervisor = signed_in("demo-supervisor")
    assert b"Retire v1" in supervisor.get(f"/assets/{compass}/").content
    response = supervisor.post(f"/assets/{compass}/versions/1/retire/", {"comment": "replaced"}, follow=True)
    assert b"Brass Compass v1 retired." in response.content
    assert AssetVersion.objects.get(pk=f"{compass}:1").status == "retired"
