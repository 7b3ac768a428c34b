from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

import eventlog
from config.errors import Forbidden, InvalidInput, NotFound
from studios.access import authorize, visible_studio_ids
from studios.errors import MemberExists
from studios.models import Membership, Studio
from studios.selectors import member_list, studio_get, studio_list
from studios.services import member_add, member_role_change, studio_create

pytestmark = pytest.mark.django_db


def test_creating_a_studio_records_two_events_and_makes_the_creator_admin(admin_user, rebuilt_equals_live):
    # when
    studio = studio_create(actor=admin_user, name="  Harbour Films ")
    # then
    events = eventlog.load_stream(f"studio-{studio.id}")
    assert [(e.type, e.data) for e in events] == [
        ("StudioCreated", {"studio_id": str(studio.id), "name": "Harbour Films", "created_by_id": admin_user.pk}),
        ("MemberAdded", {"studio_id": str(studio.id), "user_id": admin_user.pk, "username": "ada", "role": "admin"}),
    ]
    assert (studio.name, studio.created_at, studio.created_by_id) == ("Harbour Films", events[0].recorded_at,
                                                                      admin_user.pk)
    assert authorize(admin_user, studio.id, "members.manage") == "admin"
    rebuilt_equals_live()


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_studio_without_a_usable_name_is_refused(admin_user, no_new_events, name):
    # when
    with no_new_events(), pytest.raises(InvalidInput) as refused:
        studio_create(actor=admin_user, name=name)
    # then
    assert refused.value.extra == {"fields": {"name": ["1 to 200 characters."]}}


def test_an_anonymous_user_may_not_create_a_studio(no_new_events):
    # when
    with no_new_events(), pytest.raises(Forbidden) as refused:
        studio_create(actor=AnonymousUser(), name="Nobody's")
    # then
    assert (refused.value.message, Studio.objects.count()) == ("Sign in to create a studio.", 0)


def test_adding_a_member_creates_the_user_and_records_the_role(studio, admin_user, rebuilt_equals_live):
    # when
    membership = member_add(actor=admin_user, studio_id=str(studio.id), username="mira",
                            password="correct-horse-9", email="mira@example.com", role="artist")
    # then
    assert (membership.user.username, membership.user.email, membership.role) == ("mira", "mira@example.com",
                                                                                "artist")
    assert membership.user.check_password("correct-horse-9")
    last = eventlog.load_stream(f"studio-{studio.id}")[-1]
    assert (last.type, last.stream_version, last.metadata["actor"]) == ("MemberAdded", 3, "ada")
    rebuilt_equals_live()


def test_an_existing_user_joins_without_a_password(studio, admin_user, make_user):
    # given
    make_user("sol")
    # when
    membership = member_add(actor=admin_user, studio_id=str(studio.id), username="sol", role="viewer")
    # then
    assert membership.role == "viewer"


@pytest.mark.parametrize(("username", "password", "role", "field"), [
    ("newbie", None, "artist", "password"),
    ("newbie", "short", "artist", "password"),
    ("", "correct-horse-9", "artist", "username"),
    ("newbie", "correct-horse-9", "director", "role"),
])
def test_a_member_with_bad_input_is_refused(studio, admin_user, no_new_events, username, password, role, field):
    # when
    with no_new_events(), pytest.raises(InvalidInput) as refused:
        member_add(actor=admin_user, studio_id=str(studio.id), username=username, password=password, role=role)
    # then
    assert list(refused.value.extra["fields"]) == [field]
    assert not Membership.objects.filter(user__username="newbie").exists()


def test_adding_someone_twice_is_a_conflict(studio, admin_user, member, no_new_events):
    # given
    member("mira", "artist")
    # when
    with no_new_events(), pytest.raises(MemberExists) as refused:
        member_add(actor=admin_user, studio_id=str(studio.id), username="mira", role="viewer")
    # then
    assert refused.value.status == 409


@pytest.mark.parametrize("role", ["viewer", "artist", "supervisor", "rights_manager"])
def test_only_admins_manage_members(studio, member, no_new_events, role):
    # given
    user = member("mira", role)
    # when
    with no_new_events(), pytest.raises(Forbidden) as refused:
        member_add(actor=user, studio_id=str(studio.id), username="sol", password="correct-horse-9", role="viewer")
    # then
    assert refused.value.extra == {"role": role, "permission": "members.manage"}


def test_a_non_member_sees_another_studio_as_missing(studio, make_user, no_new_events):
    # given
    stranger = make_user("otto")
    # when
    with no_new_events(), pytest.raises(NotFound):
        member_add(actor=stranger, studio_id=str(studio.id), username="sol", password="correct-horse-9",
                   role="viewer")
    # then
    with pytest.raises(NotFound):
        studio_get(user=stranger, studio_id=studio.id)
    with pytest.raises(NotFound):
        studio_get(user=stranger, studio_id=uuid.uuid4())
    assert list(studio_list(user=stranger)) == []


def test_changing_a_role_updates_the_membership_and_rebuilds_identically(studio, admin_user, member,
                                                                        rebuilt_equals_live):
    # given
    mira = member("mira", "viewer")
    # when
    membership = member_role_change(actor=admin_user, studio_id=str(studio.id), user_id=mira.pk, role="supervisor")
    # then
    assert membership.role == "supervisor"
    assert authorize(mira, studio.id, "asset.approve") == "supervisor"
    assert eventlog.load_stream(f"studio-{studio.id}")[-1].type == "MemberRoleChanged"
    rebuilt_equals_live()


def test_changing_the_role_of_a_non_member_is_refused(studio, admin_user, make_user, no_new_events):
    # given
    outsider = make_user("otto")
    # when
    with no_new_events(), pytest.raises(InvalidInput):
        member_role_change(actor=admin_user, studio_id=str(studio.id), user_id=outsider.pk, role="artist")


def test_members_are_listed_in_joining_order_and_studios_by_name(studio, admin_user, member, make_user):
    # given
    member("mira", "artist")
    member("sol", "viewer")
    other = studio_create(actor=admin_user, name="Aardvark Animation")
    # then
    assert [m.user.username for m in member_list(user=admin_user, studio_id=studio.id)] == ["ada", "mira", "sol"]
    assert [s.name for s in studio_list(user=admin_user)] == ["Aardvark Animation", "Harbour Films"]
    assert visible_studio_ids(admin_user) == {str(studio.id), str(other.id)}
    assert Studio.objects.count() == 2


def test_a_superuser_acts_as_admin_of_every_studio(studio, make_user):
    # given
    root = make_user("root", superuser=True)
    # then
    assert authorize(root, studio.id, "members.manage") == "admin"
    assert visible_studio_ids(root) == {str(studio.id)}
