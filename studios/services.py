"""Studio use cases: create a studio, add, remove members and change their roles."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

import eventlog
from config.errors import Forbidden, InvalidInput
from config.types import Actor
from eventlog import DomainEvent
from studios.access import authorize
from studios.errors import LastAdmin, MemberExists
from studios.events import MemberAdded, MemberRemoved, MemberRoleChanged, StudioCreated, stream
from studios.models import Membership, Role, Studio


def studio_create(*, actor: Actor, name: str) -> Studio:
    """Create a studio with the actor as its admin."""
    if not actor.is_authenticated:  # the API lets no anonymous caller this far; a studio needs a real admin
        raise Forbidden("Sign in to create a studio.")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("A studio needs a name of 1 to 200 characters.", fields={"name": ["1 to 200 characters."]})
    studio_id = str(uuid.uuid4())
    events = [
        StudioCreated(studio_id=studio_id, name=name, created_by_id=actor.pk),
        MemberAdded(studio_id=studio_id, user_id=actor.pk, username=actor.username, role=Role.ADMIN.value),
    ]
    eventlog.append(stream(studio_id), events, expected_version=0, actor=actor, studio_id=studio_id)
    return Studio.objects.get(pk=studio_id)


def member_add(
    *, actor: Actor, studio_id: str, username: str, role: str, password: str | None = None, email: str = ""
) -> Membership:
    """Add a user (created if new) to a studio with a role."""
    authorize(actor, studio_id, "members.manage")
    _check_role(role)
    with transaction.atomic():
        user = _user_for(username=username, password=password, email=email)
        if Membership.objects.filter(studio_id=studio_id, user_id=user.pk).exists():
            raise MemberExists(f"{username} is already a member of this studio.")
        event = MemberAdded(studio_id=str(studio_id), user_id=user.pk, username=user.username, role=role)
        eventlog.append(stream(str(studio_id)), [event], expected_version=None, actor=actor, studio_id=studio_id)
    return Membership.objects.get(studio_id=studio_id, user_id=user.pk)


def member_role_change(*, actor: Actor, studio_id: str, user_id: int, role: str) -> Membership:
    """Change a member's role (422 for the studio's last admin, who may not be demoted)."""
    authorize(actor, studio_id, "members.manage")
    _check_role(role)
    event = MemberRoleChanged(studio_id=str(studio_id), user_id=user_id, role=role)
    membership = _change_membership(actor, str(studio_id), user_id, event, stays_admin=role == Role.ADMIN)
    membership.refresh_from_db()
    return membership


def member_remove(*, actor: Actor, studio_id: str, user_id: int) -> None:
    """Remove a member from a studio (422 for the studio's last admin)."""
    authorize(actor, studio_id, "members.manage")
    _change_membership(actor, str(studio_id), user_id, MemberRemoved(studio_id=str(studio_id), user_id=user_id),
                       stays_admin=False)


def _change_membership(actor: Actor, studio_id: str, user_id: int, event: DomainEvent, *, stays_admin: bool,
                       ) -> Membership:
    """Append a change to a membership unless it would leave the studio without an admin.

    The studio's stream version is read before the memberships and expected at the append: two admins
    demoting each other at once cannot both pass the check, the second gets 409 and sees one admin left.
    """
    version = eventlog.stream_version(stream(studio_id))
    membership = Membership.objects.filter(studio_id=studio_id, user_id=user_id).first()
    if membership is None:
        raise InvalidInput("That user is not a member of this studio.", fields={"user": ["Not a member."]})
    others = Membership.objects.filter(studio_id=studio_id, role=Role.ADMIN).exclude(user_id=user_id)
    if membership.role == Role.ADMIN and not stays_admin and not others.exists():
        raise LastAdmin("A studio keeps at least one admin: make another member admin first.")
    eventlog.append(stream(studio_id), [event], expected_version=version, actor=actor, studio_id=studio_id)
    return membership


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", fields={"role": [f"One of {', '.join(Role.values)}."]})


def _user_for(*, username: str, password: str | None, email: str) -> Any:
    """Return the existing user, or create one (a new user needs a valid password)."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise InvalidInput("A username is required.", fields={"username": ["This field is required."]})
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    if not password:
        raise InvalidInput("A new user needs a password.", fields={"password": ["Required for a new user."]})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput("The password is too weak.", fields={"password": exc.messages}) from None
    return User.objects.create_user(username=username, password=password, email=email or "")
