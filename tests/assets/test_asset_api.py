from __future__ import annotations

import pytest

import eventlog
from assets import services

pytestmark = pytest.mark.django_db


def _create(api, studio, **overrides):
    body = {"studio": str(studio.id), "kind": "character", "name": "Mara",
            "attributes": {"description": "A lighthouse keeper"}, **overrides}
    return api.post("/api/assets/", body, format="json")


def test_posting_an_asset_answers_201_with_its_first_version(api, studio):
    # when
    response = _create(api, studio)
    # then
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("studio", "kind", "name", "latest_version", "approved_version")} == {
        "studio": str(studio.id), "kind": "character", "name": "Mara", "latest_version": 1, "approved_version": None}
    assert set(body) >= {"id", "studio", "kind", "name", "latest_version", "approved_version"}


def test_bad_attributes_answer_400_naming_the_field(api, studio, no_new_events):
    # when
    with no_new_events():
        response = _create(api, studio, attributes={"age_range": {"min": 50, "max": 20}, "voice": ["deep"]})
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["extra"]["fields"] == {"attributes.age_range": ["min must not exceed max."],
                                                  "attributes.voice": ["Must be a string."]}


def test_an_unknown_kind_answers_400(api, studio, no_new_events):
    # when
    with no_new_events():
        response = _create(api, studio, kind="vehicle")
    # then
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["kind"]


def test_versions_are_listed_and_shown_with_the_contract_fields(api, studio):
    # given
    asset_id = _create(api, studio, note="first pass").json()["id"]
    # when
    listed = api.get(f"/api/assets/{asset_id}/versions/")
    shown = api.get(f"/api/assets/{asset_id}/versions/1/")
    # then
    assert listed.status_code == shown.status_code == 200
    version = shown.json()
    assert listed.json()["results"] == [{k: v for k, v in version.items() if k != "history"}]
    assert {k: version[k] for k in ("number", "status", "attributes", "references", "components", "derived_from",
                                    "note", "created_by")} == {
        "number": 1, "status": "draft", "attributes": {"description": "A lighthouse keeper"}, "references": [],
        "components": [], "derived_from": None, "note": "first pass", "created_by": "ada"}
    assert version["created_at"].endswith("+00:00")
    assert [(h["status"], h["by"]) for h in version["history"]] == [("draft", "ada")]


def test_posting_a_version_answers_201_with_its_number_and_409_when_stale(api, studio, no_new_events):
    # given
    asset_id = _create(api, studio).json()["id"]
    body = {"expected_version": 1, "attributes": {"description": "Older"}, "note": "aged"}
    # when
    created = api.post(f"/api/assets/{asset_id}/versions/", body, format="json")
    with no_new_events():
        stale = api.post(f"/api/assets/{asset_id}/versions/", body, format="json")
    # then
    assert created.status_code == 201
    assert created.json()["number"] == 2
    assert stale.status_code == 409
    assert stale.json()["extra"]["current_version"] == 2


def test_review_endpoints_move_the_status_and_refuse_invalid_steps_with_422(api, studio, no_new_events):
    # given
    asset_id = _create(api, studio).json()["id"]
    # when
    early = api.post(f"/api/assets/{asset_id}/versions/1/approve/", {}, format="json")
    submitted = api.post(f"/api/assets/{asset_id}/versions/1/submit/", {"comment": "ready"}, format="json")
    approved = api.post(f"/api/assets/{asset_id}/versions/1/approve/", {}, format="json")
    # then
    assert early.status_code == 422
    assert early.json()["code"] == "invalid_transition"
    assert (submitted.status_code, submitted.json()["status"]) == (200, "in_review")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert api.get(f"/api/assets/{asset_id}/").json()["approved_version"] == 1


def test_an_artist_gets_403_on_approve(client_for, member, api, studio):
    # given
    artist = member("ines", "artist")
    asset_id = _create(api, studio).json()["id"]
    artist_api = client_for(artist)
    artist_api.post(f"/api/assets/{asset_id}/versions/1/submit/", {}, format="json")
    # when
    response = artist_api.post(f"/api/assets/{asset_id}/versions/1/approve/", {}, format="json")
    # then
    assert response.status_code == 403


def test_another_studios_asset_is_404_everywhere(api, studio, client_for, make_user):
    # given
    asset_id = _create(api, studio).json()["id"]
    stranger = client_for(make_user("eve"))
    # when / then
    for path in ("", "versions/", "versions/1/", "diff/?from=1&to=1"):
        assert stranger.get(f"/api/assets/{asset_id}/{path}").status_code == 404
    assert stranger.post(f"/api/assets/{asset_id}/versions/1/submit/", {}).status_code == 404
    assert api.get("/api/assets/not-a-uuid/").status_code == 404


def test_the_diff_lists_added_removed_and_changed_attributes_references_and_components(api, studio, upload,
                                                                                       make_asset, admin_user):
    # given
    old_ref, kept_ref, new_ref = upload(1), upload(2), upload(3)
    coat = make_asset("Coat", kind="costume", attributes={})
    hat = make_asset("Hat", kind="costume", attributes={})
    mara = make_asset("Mara", attributes={"description": "young", "voice": "soft", "build": "slight"},
                      references=[old_ref, kept_ref], components=[{"asset": str(coat.id), "version": 1}])
    services.asset_version_create(actor=admin_user, asset_id=str(mara.id), expected_version=1,
                                  attributes={"description": "older", "build": "slight", "species": "human"},
                                  references=[kept_ref, new_ref], components=[{"asset": str(hat.id), "version": 1}])
    # when
    response = api.get(f"/api/assets/{mara.id}/diff/?from=1&to=2")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "from": 1, "to": 2,
        "attributes": {"added": {"species": "human"}, "removed": {"voice": "soft"},
                       "changed": {"description": {"from": "young", "to": "older"}}},
        "references": {"added": [new_ref], "removed": [old_ref]},
        "components": {"added": [{"asset": str(hat.id), "version": 1}],
                       "removed": [{"asset": str(coat.id), "version": 1}]},
    }


def test_the_diff_needs_from_and_to(api, studio):
    # given
    asset_id = _create(api, studio).json()["id"]
    # when / then
    assert api.get(f"/api/assets/{asset_id}/diff/?from=1").status_code == 400
    assert api.get(f"/api/assets/{asset_id}/diff/?from=1&to=9").status_code == 404


def test_as_of_a_position_or_a_time_shows_the_asset_as_it_was(api, studio, make_asset, admin_user):
    # given
    mara = make_asset("Mara")
    after_create = eventlog.head_position()
    moment = eventlog.read_after(after_create - 1)[0].recorded_at
    services.asset_version_submit(actor=admin_user, asset_id=str(mara.id), number=1)
    services.asset_version_approve(actor=admin_user, asset_id=str(mara.id), number=1)
    services.asset_version_create(actor=admin_user, asset_id=str(mara.id), expected_version=1, attributes={})
    # when
    then = api.get(f"/api/assets/{mara.id}/?as_of={after_create}")
    then_by_time = api.get(f"/api/assets/{mara.id}/", {"as_of": moment.isoformat()})
    now = api.get(f"/api/assets/{mara.id}/?as_of={eventlog.head_position()}")
    # then
    assert then.status_code == then_by_time.status_code == now.status_code == 200
    assert (then.json()["latest_version"], then.json()["approved_version"]) == (1, None)
    assert [(v["number"], v["status"]) for v in then.json()["versions"]] == [(1, "draft")]
    assert then_by_time.json()["versions"] == then.json()["versions"]
    assert (now.json()["latest_version"], now.json()["approved_version"]) == (2, 1)
    assert [(v["number"], v["status"]) for v in now.json()["versions"]] == [(1, "approved"), (2, "draft")]


def test_as_of_before_the_asset_existed_is_404_and_garbage_is_400(api, studio, make_asset):
    # given
    mara = make_asset("Mara")
    # when / then
    assert api.get(f"/api/assets/{mara.id}/?as_of=0").status_code == 404
    assert api.get(f"/api/assets/{mara.id}/?as_of=yesterday").status_code == 400
    assert api.get(f"/api/assets/{mara.id}/?as_of=2020-01-01T00:00:00").status_code == 400


def test_listing_filters_by_studio_kind_latest_status_and_text(api, studio, make_asset, admin_user, make_user,
                                                               client_for):
    # given
    from studios.services import studio_create

    mara = make_asset("Mara", attributes={"description": "keeper of the north light"})
    make_asset("Coat", kind="costume", attributes={"garments": ["oilskin"]})
    make_asset("Lamp", kind="prop", attributes={"description": "brass lamp"})
    services.asset_version_submit(actor=admin_user, asset_id=str(mara.id), number=1)
    otto = make_user("otto")
    other = studio_create(actor=otto, name="Other")
    services.asset_create(actor=otto, studio_id=str(other.id), kind="prop", name="Anchor", attributes={})

    def names(query: str) -> list[str]:
        response = api.get(f"/api/assets/{query}")
        assert response.status_code == 200
        return [a["name"] for a in response.json()["results"]]

    # when / then
    assert names("") == ["Coat", "Lamp", "Mara"]
    assert names(f"?studio={studio.id}&kind=prop") == ["Lamp"]
    assert names("?status=in_review") == ["Mara"]
    assert names("?q=NORTH light") == ["Mara"]
    assert names("?q=oilskin") == ["Coat"]
    assert api.get(f"/api/assets/?studio={other.id}").status_code == 404
    assert api.get("/api/assets/?kind=vehicle").status_code == 400


def test_listing_is_paginated(api, studio, make_asset):
    # given
    for index in range(3):
        make_asset(f"Extra {index}")
    # when
    first = api.get("/api/assets/?page_size=2").json()
    second = api.get("/api/assets/?page_size=2&page=2").json()
    # then
    assert first["count"] == 3
    assert [a["name"] for a in first["results"]] == ["Extra 0", "Extra 1"]
    assert [a["name"] for a in second["results"]] == ["Extra 2"]
    assert first["next"] is not None and second["next"] is None


def test_posting_pins_to_unknown_versions_answers_400_with_a_clear_message(api, studio, make_asset, no_new_events):
    # given
    coat = make_asset("Coat", kind="costume", attributes={})
    # when
    with no_new_events():
        response = _create(api, studio, components=[{"asset": str(coat.id), "version": 3}])
    # then
    assert response.status_code == 400
    assert response.json()["message"] == f"components[0]: version 3 of asset {coat.id} does not exist in this studio."


def test_an_attributes_patch_merges_into_the_latest_version_and_keeps_the_rest(api, studio):
    # given: v1 with a description, pronouns, an appearance list and a nested voice object
    asset_id = _create(api, studio, attributes={
        "description": "A lighthouse keeper", "pronouns": "she/her", "appearance": ["grey braid"],
        "palette": ["#b22222"]}).json()["id"]
    patch = {"palette": ["#b22222", "#ffd700"], "pronouns": None, "description": "A lighthouse keeper, older"}
    # when
    created = api.post(f"/api/assets/{asset_id}/versions/",
                       {"expected_version": 1, "attributes_patch": patch, "note": "older"}, format="json")
    diff = api.get(f"/api/assets/{asset_id}/diff/?from=1&to=2").json()
    # then
    assert created.status_code == 201
    assert created.json()["attributes"] == {"description": "A lighthouse keeper, older", "appearance": ["grey braid"],
                                            "palette": ["#b22222", "#ffd700"]}
    assert diff["attributes"]["removed"] == {"pronouns": "she/her"}
    assert set(diff["attributes"]["changed"]) == {"description", "palette"}


def test_attributes_and_a_patch_together_or_neither_or_a_non_object_patch_answer_400(api, studio, no_new_events):
    # given
    asset_id = _create(api, studio).json()["id"]
    url = f"/api/assets/{asset_id}/versions/"
    # when
    with no_new_events():
        both = api.post(url, {"expected_version": 1, "attributes": {}, "attributes_patch": {}}, format="json")
        neither = api.post(url, {"expected_version": 1}, format="json")
        listed = api.post(url, {"expected_version": 1, "attributes_patch": ["x"]}, format="json")
    # then
    assert both.status_code == neither.status_code == listed.status_code == 400
    assert list(both.json()["extra"]["fields"]) == list(neither.json()["extra"]["fields"]) == ["attributes"]
    assert list(listed.json()["extra"]["fields"]) == ["attributes_patch"]


def test_the_schema_documents_attributes_patch(api):
    # when
    schema = api.get("/api/schema/?format=json").json()
    # then
    body = schema["paths"]["/api/assets/{asset_id}/versions/"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert "RFC 7386" in properties["attributes_patch"]["description"]
    assert "attributes_patch" in properties["attributes"]["description"]
