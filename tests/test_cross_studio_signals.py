"""Nothing distinguishes "another studio has it" from "nobody has it", and reading one studio's events
costs what that studio's events cost (issue 20, items 6 and 7)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

import eventlog
from studios.services import member_add, studio_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def rival(make_user):
    """Another studio, with a user who belongs to it only."""
    otto = make_user("otto")
    return otto, studio_create(actor=otto, name="Rival Pictures")


def _png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (seed, 255 - seed, 7)).save(out, format="PNG")
    return out.getvalue()


def _upload(client, studio, data: bytes):
    return client.post("/api/blobs/", {"file": SimpleUploadedFile("ref.png", data), "studio": str(studio.id)},
                       format="multipart")


def test_another_studios_stream_answers_exactly_like_a_missing_one(api, studio, rival):
    # given: the rival's stream has events; the other stream never existed
    _, theirs = rival
    member_add(actor=rival[0], studio_id=str(theirs.id), username="ines", password="correct-horse-9", role="viewer")
    # when
    other = api.get("/api/events/", {"stream": f"studio-{theirs.id}"})
    missing = api.get("/api/events/", {"stream": f"studio-{uuid.uuid4()}"})
    other_after = api.get("/api/events/", {"stream": f"studio-{theirs.id}", "after": 1})
    missing_after = api.get("/api/events/", {"stream": f"studio-{uuid.uuid4()}", "after": 1})
    # then
    assert other.json() == missing.json() == {"results": [], "next_after": 0}
    assert other_after.json() == missing_after.json() == {"results": [], "next_after": 1}


def test_the_event_list_next_after_never_moves_past_the_callers_own_events(api, studio, rival):
    # given: the rival keeps appending after the caller's last event
    mine_last = eventlog.head_position()
    for n in range(3):
        member_add(actor=rival[0], studio_id=str(rival[1].id), username=f"extra{n}", password="correct-horse-9",
                   role="viewer")
    # when
    page = api.get("/api/events/", {"after": mine_last}).json()
    # then: nothing tells the caller how busy the rival is
    assert page == {"results": [], "next_after": mine_last}


def test_uploading_bytes_another_studio_stored_answers_exactly_as_new_bytes(api, studio, rival, client_for):
    # given: the rival stored one image; nobody stored the other
    otto, theirs = rival
    held, fresh = _png(1), _png(2)
    assert _upload(client_for(otto), theirs, held).status_code == 201
    # when
    known = _upload(api, studio, held)
    new = _upload(api, studio, fresh)
    again = _upload(api, studio, held)
    # then: both 201 with the same shape; only the studio's own second upload is a 200
    assert (known.status_code, new.status_code, again.status_code) == (201, 201, 200)
    assert set(known.json()) == set(new.json())
    assert known.json() == again.json()


def test_a_member_sees_the_verify_count_and_head_of_their_studios_not_the_logs(api, studio, rival, client_for):
    # given: the rival's studio grows
    before = api.get("/api/events/verify/").json()
    member_add(actor=rival[0], studio_id=str(rival[1].id), username="ines", password="correct-horse-9", role="viewer")
    # when
    after = api.get("/api/events/verify/").json()
    # then
    assert after == before == {"ok": True, "events": 2, "head": eventlog.load_stream(f"studio-{studio.id}")[-1].hash,
                               "scope": "studios"}


def test_a_user_of_no_studio_sees_an_empty_count_and_the_genesis_head(make_user, client_for, studio):
    # when
    body = client_for(make_user("newcomer")).get("/api/events/verify/").json()
    # then
    assert body == {"ok": True, "events": 0, "head": "0" * 64, "scope": "studios"}


def test_reading_the_log_costs_one_query_however_many_events_other_studios_add(api, studio, rival):
    # given: after the caller's studio's two events, the rival has 42
    for n in range(40):
        member_add(actor=rival[0], studio_id=str(rival[1].id), username=f"extra{n}", password="correct-horse-9",
                   role="viewer")
    # when
    with CaptureQueriesContext(connection) as queries:
        page = api.get("/api/events/", {"limit": 1, "after": 2}).json()
    # then: one read of the log, through the studio filter, and nothing found
    assert page == {"results": [], "next_after": 2}
    log_reads = [q["sql"] for q in queries if '"lineage_event"' in q["sql"]]
    assert len(log_reads) == 1
    assert "studio" in log_reads[0]
