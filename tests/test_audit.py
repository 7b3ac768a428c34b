from __future__ import annotations

import pytest
from django.urls import include, path

import eventlog
from studios.services import member_add, studio_create

# The audit URLs live in their own module; this list serves them whether or not config.urls includes them yet.
urlpatterns = [path("api/", include("studios.audit_urls")), path("", include("config.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_audit")]


def test_the_audit_trail_says_who_did_what_when_and_from_which_request(api, admin_user):
    # given
    created = api.post("/api/studios/", {"name": "Gull Island"}, format="json", HTTP_X_REQUEST_ID="req-1",
                       REMOTE_ADDR="10.1.2.3")
    studio_id = created.json()["id"]
    api.post(f"/api/studios/{studio_id}/members/", {"username": "vic", "password": "correct-horse-9",
                                                    "role": "viewer"}, format="json", HTTP_X_REQUEST_ID="req-2")

    # when
    response = api.get("/api/audit/", {"studio": studio_id})

    # then
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [(e["action"], e["actor"], e["studio"]) for e in entries] == [
        ("StudioCreated", "ada", studio_id), ("MemberAdded", "ada", studio_id), ("MemberAdded", "ada", studio_id)]
    assert entries[0]["request"] == {"id": "req-1", "ip": "10.1.2.3", "method": "POST", "path": "/api/studios/",
                                     "user_agent": ""}
    assert entries[2]["request"]["path"] == f"/api/studios/{studio_id}/members/"
    assert entries[2]["data"]["username"] == "vic"
    assert entries[0]["at"] == eventlog.load_stream(f"studio-{studio_id}")[0].recorded_at.isoformat()
    assert response.json()["has_more"] is False


def test_the_audit_trail_shows_only_the_callers_studios(studio, admin_user, make_user, client_for):
    # given
    other_admin = make_user("otto")
    other = studio_create(actor=other_admin, name="Rival Pictures")

    # when
    mine = client_for(admin_user).get("/api/audit/").json()["results"]
    theirs = client_for(other_admin).get("/api/audit/").json()["results"]
    peek = client_for(admin_user).get("/api/audit/", {"studio": str(other.id)})

    # then
    assert {e["studio"] for e in mine} == {str(studio.id)}
    assert {e["studio"] for e in theirs} == {str(other.id)}
    assert (peek.status_code, peek.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(("role", "status"), [
    ("viewer", 403), ("artist", 403), ("supervisor", 200), ("rights_manager", 200), ("admin", 200),
])
def test_only_supervisors_rights_managers_and_admins_may_view_the_audit_trail(
        studio, member, client_for, role, status):
    # given
    client = client_for(member(f"user_{role}", role))

    # when
    scoped = client.get("/api/audit/", {"studio": str(studio.id)})
    unscoped = client.get("/api/audit/")

    # then
    assert (scoped.status_code, unscoped.status_code) == (status, status)
    if status == 403:
        assert scoped.json()["code"] == "forbidden"
        assert unscoped.json() == {"code": "forbidden", "message": "You may not view the audit trail of any studio "
                                   "(audit.view).", "extra": {"permission": "audit.view"}}


def test_the_audit_trail_filters_by_actor_and_time(studio, admin_user, member, client_for):
    # given
    supervisor = member("sue", "supervisor")
    member_add(actor=admin_user, studio_id=str(studio.id), username="vic", password="correct-horse-9",
               role="viewer")
    events = eventlog.read_after(0)
    since = events[-1].recorded_at

    # when
    by_actor = client_for(supervisor).get("/api/audit/", {"actor": "ada"}).json()["results"]
    by_time = client_for(supervisor).get("/api/audit/", {"since": since.isoformat()}).json()["results"]

    # then
    assert [e["position"] for e in by_actor] == [e.position for e in events]
    assert [e["position"] for e in by_time] == [e.position for e in events if e.recorded_at >= since]
    assert by_time[-1]["data"]["username"] == "vic"


def test_the_audit_trail_is_paginated_by_position(studio, admin_user, member, api):
    # given
    for n in range(4):
        member(f"user{n}", "viewer")

    # when
    first = api.get("/api/audit/", {"limit": 4}).json()
    rest = api.get("/api/audit/", {"after": first["next_after"], "limit": 4}).json()

    # then
    positions = [e.position for e in eventlog.read_after(0)]
    assert len(positions) == 6
    assert [e["position"] for e in first["results"]] == positions[:4]
    assert (first["next_after"], first["has_more"]) == (positions[3], True)
    assert [e["position"] for e in rest["results"]] == positions[4:]
    assert (rest["next_after"], rest["has_more"]) == (positions[5], False)


def test_a_bad_limit_is_a_400(api, studio):
    # when
    response = api.get("/api/audit/", {"limit": 0})

    # then
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"limit": ["Ensure this value is greater than or equal to 1."]}
