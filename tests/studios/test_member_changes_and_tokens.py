"""Changing and removing members, revoking and expiring tokens (issue 20, items 8 and 9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import eventlog
from studios.access import role_of
from studios.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_login_throttle_history():
    """These tests log in often: start each with the throttle's history (the process-wide cache) empty."""
    cache.clear()
    yield
    cache.clear()


def _members(api, studio) -> dict[str, str]:
    return {m["username"]: m["role"] for m in api.get(f"/api/studios/{studio.id}/members/").json()["results"]}


def _last_used(token: Token, moment) -> None:
    """Record that a token was last used at a moment."""
    from studios.models import TokenUse

    TokenUse.objects.update_or_create(token=token, defaults={"last_used_at": moment})


def _login(username: str, password: str = "correct-horse-9") -> APIClient:
    client = APIClient()
    token = client.post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert token.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def test_an_admin_changes_a_members_role_as_an_event(api, studio, member, rebuilt_equals_live):
    # given
    mira = member("mira", "artist")
    # when
    response = api.patch(f"/api/studios/{studio.id}/members/mira/", {"role": "supervisor"}, format="json")
    # then
    assert response.status_code == 200
    assert (response.json()["username"], response.json()["role"]) == ("mira", "supervisor")
    assert role_of(mira, studio.id) == "supervisor"
    last = eventlog.load_stream(f"studio-{studio.id}")[-1]
    assert (last.type, last.data) == ("MemberRoleChanged", {"studio_id": str(studio.id), "user_id": mira.pk,
                                                            "role": "supervisor"})
    rebuilt_equals_live()


def test_an_admin_removes_a_member_who_then_sees_the_studio_as_missing(api, studio, member, client_for,
                                                                        rebuilt_equals_live):
    # given
    mira = member("mira", "artist")
    # when
    response = api.delete(f"/api/studios/{studio.id}/members/mira/")
    # then
    assert response.status_code == 204
    assert _members(api, studio) == {"ada": "admin"}
    assert role_of(mira, studio.id) is None
    assert client_for(mira).get(f"/api/studios/{studio.id}/").status_code == 404
    last = eventlog.load_stream(f"studio-{studio.id}")[-1]
    assert (last.type, last.data) == ("MemberRemoved", {"studio_id": str(studio.id), "user_id": mira.pk})
    rebuilt_equals_live()


def test_a_removed_member_can_be_added_again(api, studio, member, rebuilt_equals_live):
    # given
    member("mira", "artist")
    api.delete(f"/api/studios/{studio.id}/members/mira/")
    # when
    again = api.post(f"/api/studios/{studio.id}/members/", {"username": "mira", "role": "viewer"}, format="json")
    # then
    assert again.status_code == 201
    assert _members(api, studio) == {"ada": "admin", "mira": "viewer"}
    rebuilt_equals_live()


@pytest.mark.parametrize("change", ["demote", "remove"])
def test_the_last_admin_can_be_neither_demoted_nor_removed(api, studio, member, no_new_events, change):
    # given: ada is the only admin
    member("mira", "artist")
    # when
    with no_new_events():
        if change == "demote":
            response = api.patch(f"/api/studios/{studio.id}/members/ada/", {"role": "viewer"}, format="json")
        else:
            response = api.delete(f"/api/studios/{studio.id}/members/ada/")
    # then
    assert response.status_code == 422
    assert response.json() == {"code": "last_admin",
                               "message": "A studio keeps at least one admin: make another member admin first.",
                               "extra": {}}
    assert _members(api, studio) == {"ada": "admin", "mira": "artist"}


def test_an_admin_may_step_down_once_another_admin_exists(api, studio, member):
    # given
    member("mira", "admin")
    # when
    response = api.patch(f"/api/studios/{studio.id}/members/ada/", {"role": "viewer"}, format="json")
    # then
    assert response.status_code == 200
    assert Membership.objects.get(studio=studio, user__username="ada").role == "viewer"


@pytest.mark.parametrize("role", ["viewer", "artist", "supervisor", "rights_manager"])
def test_only_admins_change_or_remove_members(studio, member, client_for, no_new_events, role):
    # given
    caller = client_for(member("carl", role))
    member("mira", "artist")
    # when
    with no_new_events():
        patch = caller.patch(f"/api/studios/{studio.id}/members/mira/", {"role": "admin"}, format="json")
        delete = caller.delete(f"/api/studios/{studio.id}/members/mira/")
    # then
    assert (patch.status_code, delete.status_code) == (403, 403)


def test_a_non_member_a_missing_member_and_a_bad_role_are_refused(api, studio, make_user, client_for, no_new_events):
    # given
    outsider = client_for(make_user("otto"))
    make_user("nomad")
    # when
    with no_new_events():
        stranger = outsider.delete(f"/api/studios/{studio.id}/members/ada/")
        missing = api.patch(f"/api/studios/{studio.id}/members/nomad/", {"role": "viewer"}, format="json")
        bad_role = api.patch(f"/api/studios/{studio.id}/members/ada/", {"role": "owner"}, format="json")
    # then
    assert (stranger.status_code, stranger.json()["code"]) == (404, "not_found")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (bad_role.status_code, list(bad_role.json()["extra"]["fields"])) == (400, ["role"])


def test_a_wrong_password_is_401_with_the_error_body(admin_user):
    # when
    response = APIClient().post("/api/auth/token/", {"username": "ada", "password": "wrong-guess"}, format="json")
    missing = APIClient().post("/api/auth/token/", {"username": "ada"}, format="json")
    # then
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed",
                               "message": "Unable to log in with the username and password given.", "extra": {}}
    assert response["WWW-Authenticate"] == "Token"
    assert (missing.status_code, list(missing.json()["extra"]["fields"])) == (400, ["password"])


def test_revoking_a_token_stops_it_at_once_and_leaves_other_logins_alone(admin_user):
    # given
    client = _login("ada")
    # when
    revoked = client.post("/api/auth/token/revoke/")
    # then
    assert revoked.status_code == 204
    assert client.get("/api/studios/").status_code == 401
    assert _login("ada").get("/api/studios/").status_code == 200  # a new login gets a new token


def test_a_token_expires_after_the_configured_time_without_use(admin_user, settings):
    # given: a token last used 31 days ago
    settings.TOKEN_EXPIRY = timedelta(days=30)
    client = _login("ada")
    token = Token.objects.get(user=admin_user)
    _last_used(token, timezone.now() - timedelta(days=31))
    # when
    response = client.get("/api/studios/")
    # then
    assert response.status_code == 401
    assert response.json()["message"] == "The token has expired: ask for a new one at /api/auth/token/."
    assert not Token.objects.filter(pk=token.pk).exists()
    assert _login("ada").get("/api/studios/").status_code == 200


def test_using_a_token_slides_its_expiry(admin_user, settings):
    # given: a token used 29 days ago, of a 30-day expiry
    settings.TOKEN_EXPIRY = timedelta(days=30)
    client = _login("ada")
    token = Token.objects.get(user=admin_user)
    _last_used(token, timezone.now() - timedelta(days=29))
    # when: used now, then checked 2 days later (31 days after the old use)
    assert client.get("/api/studios/").status_code == 200
    _last_used(token, Token.objects.select_related("use").get(pk=token.pk).use.last_used_at - timedelta(days=2))
    # then
    assert client.get("/api/studios/").status_code == 200


def test_logging_in_again_replaces_an_expired_token(admin_user, settings):
    # given
    settings.TOKEN_EXPIRY = timedelta(days=30)
    old = _login("ada")
    token = Token.objects.get(user=admin_user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=40))
    # when
    fresh = _login("ada")
    # then
    assert Token.objects.get(user=admin_user).key != token.key
    assert (old.get("/api/studios/").status_code, fresh.get("/api/studios/").status_code) == (401, 200)


def test_changing_the_password_revokes_the_users_tokens(admin_user, make_user):
    # given
    mine = _login("ada")
    make_user("otto")
    theirs = _login("otto")
    # when
    admin_user.set_password("a-new-horse-77")
    admin_user.save()
    # then
    assert mine.get("/api/studios/").status_code == 401
    assert theirs.get("/api/studios/").status_code == 200
    assert _login("ada", "a-new-horse-77").get("/api/studios/").status_code == 200


def test_saving_a_user_without_changing_the_password_keeps_the_tokens(admin_user):
    # given
    client = _login("ada")
    # when
    admin_user.email = "ada@example.org"
    admin_user.save()
    admin_user.save(update_fields=["last_login"])
    # then
    assert client.get("/api/studios/").status_code == 200
