from __future__ import annotations

import pytest

import eventlog

pytestmark = pytest.mark.django_db

BODY = {
    "licensor": "Northwind Comics", "licensee": "Harbour Films",
    "territories": {"worldwide": False, "include": ["GB", "IE"]}, "media": ["SVOD"],
    "languages": ["en"], "window_start": "2026-01-01", "window_end": "2026-12-31", "exclusive": True,
    "restrictions": ["no_ai_training"], "contract_ref": "NW-14",
}


def test_posting_rights_returns_the_record(make_asset, manager, client_for):
    # given
    asset = make_asset("Captain Tern")

    # when
    response = client_for(manager).post("/api/rights/", {**BODY, "asset": str(asset.id)}, format="json",
                                        HTTP_X_REQUEST_ID="req-42")

    # then
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("studio", "asset", "asset_version", "territories", "media", "languages",
                                 "window_start", "window_end", "exclusive", "restrictions", "status", "version")} == {
        "studio": str(asset.studio_id), "asset": str(asset.id), "asset_version": None,
        "territories": {"worldwide": False, "include": ["GB", "IE"], "exclude": []}, "media": ["svod"],
        "languages": ["en"], "window_start": "2026-01-01", "window_end": "2026-12-31", "exclusive": True,
        "restrictions": ["no_ai_training"], "status": "active", "version": 1,
    }
    assert eventlog.load_stream(f"rights-{body['id']}")[0].metadata["request"]["id"] == "req-42"


def test_a_bad_territory_is_a_400_with_the_field(make_asset, manager, client_for, no_new_events):
    # given
    asset = make_asset()

    # when
    with no_new_events():
        response = client_for(manager).post("/api/rights/", {**BODY, "asset": str(asset.id),
                                                              "territories": {"include": ["UK"]}}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["extra"]["fields"] == {"territories": ["Unknown code(s): UK."]}


def test_viewers_may_read_but_not_grant(make_asset, grant, member, client_for, no_new_events):
    # given
    asset = make_asset()
    record = grant(asset)
    viewer = client_for(member("vic", "viewer"))

    # when
    listed = viewer.get(f"/api/rights/?asset={asset.id}")
    shown = viewer.get(f"/api/rights/{record.id}/")
    with no_new_events():
        refused = viewer.post("/api/rights/", {**BODY, "asset": str(asset.id)}, format="json")

    # then
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [str(record.id)]
    assert listed.json()["count"] == 1
    assert shown.status_code == 200
    assert [h["type"] for h in shown.json()["history"]] == ["RightsGranted"]
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_another_studios_rights_are_not_found(make_asset, grant, make_user, client_for, no_new_events):
    # given
    asset = make_asset()
    record = grant(asset)
    outsider = client_for(make_user("olga"))

    # when
    with no_new_events():
        responses = [
            outsider.get(f"/api/rights/{record.id}/"),
            outsider.get(f"/api/rights/?asset={asset.id}"),
            outsider.get(f"/api/rights/?studio={asset.studio_id}"),
            outsider.post(f"/api/rights/{record.id}/amend/", {"expected_version": 1, "media": ["avod"]},
                          format="json"),
            outsider.post(f"/api/rights/{record.id}/terminate/", {}, format="json"),
            outsider.post("/api/rights/", {**BODY, "asset": str(asset.id)}, format="json"),
        ]
    unfiltered = outsider.get("/api/rights/")

    # then
    assert [r.status_code for r in responses] == [404] * 6
    assert {r.json()["code"] for r in responses} == {"not_found"}
    assert unfiltered.json()["results"] == []


def test_amending_over_the_api_checks_the_expected_version(make_asset, grant, manager, client_for, no_new_events):
    # given
    record = grant(make_asset())
    client = client_for(manager)

    # when
    amended = client.post(f"/api/rights/{record.id}/amend/", {"expected_version": 1, "media": ["svod", "avod"],
                                                              "reason": "Add AVOD"}, format="json")
    with no_new_events():
        stale = client.post(f"/api/rights/{record.id}/amend/", {"expected_version": 1, "media": ["tvod"]},
                            format="json")
        missing = client.post(f"/api/rights/{record.id}/amend/", {"media": ["tvod"]}, format="json")

    # then
    assert (amended.status_code, amended.json()["media"], amended.json()["version"]) == (200, ["avod", "svod"], 2)
    assert stale.status_code == 409
    assert stale.json()["extra"]["current_version"] == 2
    assert missing.status_code == 400
    assert missing.json()["extra"]["fields"] == {"expected_version": ["This field is required."]}


def test_terminating_over_the_api_then_amending_is_refused(make_asset, grant, manager, client_for):
    # given
    record = grant(make_asset())
    client = client_for(manager)

    # when
    terminated = client.post(f"/api/rights/{record.id}/terminate/", {"reason": "Ended"}, format="json")
    amend = client.post(f"/api/rights/{record.id}/amend/", {"expected_version": 2, "media": ["tvod"]}, format="json")

    # then
    assert (terminated.status_code, terminated.json()["status"]) == (200, "terminated")
    assert amend.status_code == 422
    assert amend.json()["code"] == "rights_terminated"


def test_the_availability_endpoint_answers_for_a_use(make_asset, make_episode, make_shot, grant, member,
                                                      client_for):
    # given
    tern = make_asset("Captain Tern")
    record = grant(tern, territories={"worldwide": True, "include": [], "exclude": ["FR"]})
    episode = make_episode([])
    shot = make_shot(episode, [(tern, 1)])
    viewer = client_for(member("vic", "viewer"))

    # when
    refused = viewer.get(f"/api/episodes/{episode.id}/availability/?territory=fr&media=SVOD&date=2026-05-01")
    allowed = viewer.get(f"/api/episodes/{episode.id}/availability/?territory=GB&media=svod&date=2026-05-01")

    # then
    assert refused.status_code == 200
    assert refused.json()["available"] is False
    assert refused.json()["conflicts"] == [{
        "shot": str(shot.id), "asset": str(tern.id), "version": 1, "via": [], "territory": "FR", "media": "svod",
        "date": "2026-05-01", "language": None, "reason": "territory_excluded", "rights": str(record.id),
        "detail": "FR is excluded.",
    }]
    assert allowed.json()["available"] is True


def test_the_availability_endpoint_refuses_unknown_codes_and_other_studios(make_episode, make_user, api,
                                                                           client_for):
    # given
    episode = make_episode([])

    # when
    bad = api.get(f"/api/episodes/{episode.id}/availability/?territory=UK&media=svod")
    half = api.get(f"/api/episodes/{episode.id}/availability/?territory=GB")
    hidden = client_for(make_user("olga")).get(f"/api/episodes/{episode.id}/availability/")

    # then
    assert (bad.status_code, bad.json()["extra"]["fields"]) == (400, {"territory": ["Unknown territory code 'UK'."]})
    assert (half.status_code, half.json()["extra"]["fields"]) == (400, {"media": ["Required with the other."]})
    assert hidden.status_code == 404


def test_an_amendment_may_change_only_part_of_the_territories(make_asset, grant, manager, client_for):
    # given
    record = grant(make_asset())

    # when
    response = client_for(manager).post(f"/api/rights/{record.id}/amend/",
                                        {"expected_version": 1, "territories": {"exclude": ["fr", "DE"]}},
                                        format="json")

    # then
    assert response.status_code == 200
    assert response.json()["territories"] == {"worldwide": True, "include": [], "exclude": ["DE", "FR"]}
    assert response.json()["media"] == ["svod"]
