"""`eventlog replay` rebuilds every read model from the log; `--check` compares without changing anything."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

import eventlog
from eventlog import StreamWrite
from eventlog.models import ProjectionCheckpoint
from studios.events import MemberRoleChanged
from studios.events import stream as studio_stream
from studios.models import Membership, Studio
from studios.services import member_add, member_role_change, studio_create
from tests.eventlog.sample_events import NoteWritten

pytestmark = pytest.mark.django_db


@pytest.fixture
def workload(admin_user: Any, make_user: Any) -> dict[str, Any]:
    """Two studios, members and role changes, an asset with an approved second version, unprojected notes."""
    from assets.services import asset_create, asset_version_approve, asset_version_create, asset_version_submit

    harbour = studio_create(actor=admin_user, name="Harbour Films")
    north = studio_create(actor=make_user("nell"), name="North Light")
    mira = member_add(actor=admin_user, studio_id=str(harbour.id), username="mira", password="correct-horse-9",
                      role="artist").user
    member_add(actor=admin_user, studio_id=str(harbour.id), username="sol", password="correct-horse-9",
               role="viewer")
    member_role_change(actor=admin_user, studio_id=str(harbour.id), user_id=mira.pk, role="supervisor")
    asset = asset_create(actor=admin_user, studio_id=str(harbour.id), kind="prop", name="Lantern", attributes={})
    asset_version_create(actor=admin_user, asset_id=str(asset.id), expected_version=1, attributes={}, note="v2")
    asset_version_submit(actor=admin_user, asset_id=str(asset.id), number=2)
    asset_version_approve(actor=admin_user, asset_id=str(asset.id), number=2)
    eventlog.append_streams([  # one transaction over a studio stream and an unprojected stream
        StreamWrite(studio_stream(str(harbour.id)), [MemberRoleChanged(str(harbour.id), mira.pk, "admin")], None),
        StreamWrite("notes", [NoteWritten("hello")], expected_version=0),
    ], studio_id=str(harbour.id))
    return {"harbour": harbour, "north": north, "mira": mira, "asset": asset}


def test_replay_check_passes_after_a_mixed_workload(workload):
    # given
    out = StringIO()
    # when
    call_command("eventlog", "replay", "--check", stdout=out)
    # then
    assert out.getvalue() == "ok: live read models equal a rebuild from position 0\n"


def test_replay_check_fails_naming_the_row_altered_by_hand_and_changes_nothing(workload):
    # given
    membership = Membership.objects.get(studio_id=workload["harbour"].id, user_id=workload["mira"].pk)
    Membership.objects.filter(pk=membership.pk).update(role="viewer")
    # when
    with pytest.raises(CommandError) as failed:
        call_command("eventlog", "replay", "--check")
    # then
    assert failed.value.returncode == 1
    assert str(failed.value) == (
        f"Read models differ from a rebuild: studios.Membership row {membership.pk} column role: "
        "live 'viewer', rebuilt 'admin'"
    )
    assert Membership.objects.get(pk=membership.pk).role == "viewer"


def test_replay_check_names_a_row_missing_from_the_live_models(workload):
    # given
    Studio.objects.filter(pk=workload["north"].pk).delete()
    # when
    difference = eventlog.replay_check()
    # then
    assert difference == f"studios.Studio row {workload['north'].pk}: missing live, present after rebuild"


def test_replay_rebuilds_read_models_altered_by_hand_and_records_checkpoints(workload):
    # given
    Membership.objects.filter(user_id=workload["mira"].pk).update(role="viewer")
    Studio.objects.filter(pk=workload["north"].pk).delete()
    out = StringIO()
    # when
    call_command("eventlog", "replay", stdout=out)
    # then
    head = eventlog.head_position()
    assert out.getvalue().startswith(f"rebuilt read models up to position {head} in ")
    assert Membership.objects.get(user_id=workload["mira"].pk).role == "admin"
    assert Studio.objects.filter(pk=workload["north"].pk).exists()
    assert set(ProjectionCheckpoint.objects.values_list("position", flat=True)) == {head}
    assert eventlog.replay_check() is None


def test_checkpoints_move_only_for_projections_that_handled_an_event(workload):
    # given
    before = dict(ProjectionCheckpoint.objects.values_list("name", "position"))
    # when
    eventlog.append("notes", [NoteWritten("unprojected")], expected_version=1)
    # then
    assert dict(ProjectionCheckpoint.objects.values_list("name", "position")) == before
    assert before["studios"] == eventlog.head_position() - 1
