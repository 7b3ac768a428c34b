"""`GET /api/events/` (the log's tail, filtered to the caller's studios) and `GET /api/events/verify/`."""

from __future__ import annotations

from typing import Any

import pytest

import eventlog
from studios.services import member_add, studio_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_studios(admin_user: Any, make_user: Any) -> dict[str, Any]:
    mine = studio_create(actor=admin_user, name="Harbour Films")
    member_add(actor=admin_user, studio_id=str(mine.id), username="mira", password="correct-horse-9", role="viewer")
    theirs = studio_create(actor=make_user("otto"), name="Other Pictures")
    return {"mine": mine, "theirs": theirs}


def test_the_event_list_shows_only_events_of_the_callers_studios_in_the_contract_shape(api, admin_user, two_studios):
    # when
    body = api.get("/api/events/").json()
    # then
    mine = str(two_studios["mine"].id)
    assert [(e["type"], e["stream_version"]) for e in body["results"]] == [
        ("StudioCreated", 1), ("MemberAdded", 2), ("MemberAdded", 3)]
    assert {e["metadata"]["studio"] for e in body["results"]} == {mine}
    first = body["results"][0]
    assert set(first) >= {"position", "stream", "stream_version", "type", "data", "metadata", "recorded_at", "hash"}
    assert first["stream"] == f"studio-{mine}"
    assert first["data"] == {"studio_id": mine, "name": "Harbour Films", "created_by_id": admin_user.pk}
    assert body["next_after"] == body["results"][-1]["position"]


def test_the_event_list_pages_with_next_after(api, two_studios):
    # given
    positions = [e["position"] for e in api.get("/api/events/").json()["results"]]
    # when
    page1 = api.get("/api/events/", {"limit": 2}).json()
    page2 = api.get("/api/events/", {"after": page1["next_after"], "limit": 2}).json()
    page3 = api.get("/api/events/", {"after": page2["next_after"], "limit": 2}).json()
    # then
    assert [e["position"] for e in page1["results"] + page2["results"]] == positions
    assert page1["next_after"] == positions[1]
    assert page3["results"] == []


def test_the_event_list_filters_by_stream_and_hides_other_studios_streams(api, two_studios):
    # when
    theirs = api.get("/api/events/", {"stream": f"studio-{two_studios['theirs'].id}"}).json()
    mine = api.get("/api/events/", {"stream": f"studio-{two_studios['mine'].id}", "after": 1}).json()
    # then
    assert theirs["results"] == []
    assert [e["stream_version"] for e in mine["results"]] == [2, 3]


def test_the_event_list_refuses_a_bad_limit_and_anonymous_callers(api, client, two_studios):
    # when
    bad = api.get("/api/events/", {"limit": 0})
    anonymous = client.get("/api/events/")
    # then
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert "limit" in bad.json()["extra"]["fields"]
    assert anonymous.status_code == 401


def test_verify_reports_ok_the_event_count_and_the_head_hash_of_the_log_to_a_superuser(make_user, client_for,
                                                                                       two_studios):
    # when
    body = client_for(make_user("root", superuser=True)).get("/api/events/verify/").json()
    # then
    last = eventlog.read_after(eventlog.head_position() - 1)[0]
    assert body == {"ok": True, "events": eventlog.head_position(), "head": last.hash, "scope": "log"}


def test_verify_shows_a_member_the_count_and_head_of_their_own_studios_events_only(api, two_studios):
    # when
    body = api.get("/api/events/verify/").json()
    # then: the three events of Harbour Films, not Other Pictures' two
    mine = api.get("/api/events/").json()["results"]
    assert body == {"ok": True, "events": 3, "head": mine[-1]["hash"], "scope": "studios"}
