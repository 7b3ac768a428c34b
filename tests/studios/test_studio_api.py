from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

import eventlog

pytestmark = pytest.mark.django_db


def test_a_token_for_a_username_and_password_authenticates_later_requests(admin_user):
    # given
    client = APIClient()
    # when
    token = client.post("/api/auth/token/", {"username": "ada", "password": "correct-horse-9"}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    # then
    assert token.status_code == 200
    assert client.get("/api/studios/").status_code == 200


def test_a_wrong_password_gets_no_token_and_no_credentials_get_401(admin_user):
    # when
    wrong = APIClient().post("/api/auth/token/", {"username": "ada", "password": "nope"}, format="json")
    anonymous = APIClient().get("/api/studios/")
    bad_token = APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/studios/")
    # then
    assert (wrong.status_code, wrong.json()["code"]) == (401, "authentication_failed")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert (bad_token.status_code, bad_token.json()["code"]) == (401, "authentication_failed")


def test_creating_a_studio_returns_201_and_makes_the_caller_its_admin(api):
    # when
    response = api.post("/api/studios/", {"name": "Harbour Films"}, format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Harbour Films"
    assert uuid.UUID(body["id"])
    members = api.get(f"/api/studios/{body['id']}/members/").json()["results"]
    assert [(m["username"], m["role"]) for m in members] == [("ada", "admin")]


def test_a_studio_without_a_name_is_400_with_the_field(api, no_new_events):
    # when
    with no_new_events():
        response = api.post("/api/studios/", {"name": ""}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["extra"]["fields"]) == ["name"]


def test_an_admin_adds_a_member_who_can_then_sign_in(api, studio):
    # when
    response = api.post(f"/api/studios/{studio.id}/members/",
                        {"username": "mira", "password": "correct-horse-9", "role": "artist"}, format="json")
    # then
    assert response.status_code == 201
    assert (response.json()["username"], response.json()["role"]) == ("mira", "artist")
    token = APIClient().post("/api/auth/token/", {"username": "mira", "password": "correct-horse-9"}, format="json")
    assert token.status_code == 200


def test_a_viewer_cannot_add_members(studio, member, client_for, no_new_events):
    # given
    viewer = client_for(member("vic", "viewer"))
    # when
    with no_new_events():
        response = viewer.post(f"/api/studios/{studio.id}/members/",
                               {"username": "sol", "password": "correct-horse-9", "role": "admin"}, format="json")
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_another_studios_objects_are_404_exactly_like_missing_ones(studio, make_user, client_for, no_new_events):
    # given
    stranger = client_for(make_user("otto"))
    missing = uuid.uuid4()
    # when
    with no_new_events():
        responses = {
            "studio": stranger.get(f"/api/studios/{studio.id}/"),
            "missing studio": stranger.get(f"/api/studios/{missing}/"),
            "members": stranger.get(f"/api/studios/{studio.id}/members/"),
            "missing members": stranger.get(f"/api/studios/{missing}/members/"),
            "add member": stranger.post(f"/api/studios/{studio.id}/members/",
                                        {"username": "x", "password": "correct-horse-9", "role": "admin"},
                                        format="json"),
            "add to missing": stranger.post(f"/api/studios/{missing}/members/",
                                            {"username": "x", "password": "correct-horse-9", "role": "admin"},
                                            format="json"),
        }
    # then
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)
    bodies = {r.content for r in responses.values()}
    assert bodies == {b'{"code":"not_found","message":"Not found.","extra":{}}'}
    assert [s["id"] for s in stranger.get("/api/studios/").json()["results"]] == []


def test_an_unknown_role_is_400_and_appends_nothing(api, studio, no_new_events):
    # when
    with no_new_events():
        response = api.post(f"/api/studios/{studio.id}/members/",
                            {"username": "sol", "password": "correct-horse-9", "role": "director"}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["role"]


def test_every_write_carries_the_request_id_into_event_metadata(api):
    # when
    response = api.post("/api/studios/", {"name": "Traced"}, format="json", HTTP_X_REQUEST_ID="req-42")
    # then
    event = eventlog.load_stream(f"studio-{response.json()['id']}")[0]
    assert response["X-Request-ID"] == "req-42"
    assert event.metadata["correlation_id"] == "req-42"
    assert (event.metadata["request"]["id"], event.metadata["request"]["path"]) == ("req-42", "/api/studios/")
