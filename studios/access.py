"""The one place where access is decided: roles, what each may do, and studio visibility.

Every service and selector calls `authorize` (or `visible_studio_ids`) with the studio that owns
the object; a user who is not a member gets NotFound, exactly as for an object that does not
exist, so ids of other studios leak nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from config.errors import Forbidden, NotFound
from config.types import Actor
from studios.models import Membership, Role

VIEW = "view"
ALL_ROLES = frozenset(Role.values)
MAKERS = frozenset({Role.ARTIST, Role.SUPERVISOR, Role.ADMIN})
APPROVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

# permission → roles that hold it. Superusers act as admin of every studio (operators, CLI).
PERMISSIONS: dict[str, frozenset[str]] = {
    VIEW: ALL_ROLES,
    "members.manage": frozenset({Role.ADMIN}),
    "asset.create": MAKERS,
    "asset.revise": MAKERS,
    "asset.submit": MAKERS,
    "asset.approve": APPROVERS,
    "asset.retire": APPROVERS,
    "blob.upload": frozenset({Role.ARTIST, Role.SUPERVISOR, Role.RIGHTS_MANAGER, Role.ADMIN}),
    "episode.edit": MAKERS,
    "shot.edit": MAKERS,
    "cut.lock": MAKERS,
    "cut.approve": APPROVERS,
    "model.register": APPROVERS,
    "render": MAKERS,
    "plan.create": MAKERS,
    "plan.approve": APPROVERS,
    "plan.execute": MAKERS,
    "rights.manage": frozenset({Role.RIGHTS_MANAGER, Role.ADMIN}),
    "audit.view": frozenset({Role.SUPERVISOR, Role.RIGHTS_MANAGER, Role.ADMIN}),
}


def role_of(user: Actor | None, studio_id: Any) -> str | None:
    """Return the user's role in a studio, or None when not a member."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return effective_role(user, None)
    member = Membership.objects.filter(studio_id=studio_id, user_id=user.pk).values_list("role", flat=True).first()
    return effective_role(user, member)


def effective_role(user: Actor | None, membership_role: str | None) -> str | None:
    """Return the user's role given the role of their membership row (None if none), for callers that
    read that row in a query of their own: superusers act as admins, anonymous users have no role."""
    if user is None or not user.is_authenticated:
        return None
    return Role.ADMIN if user.is_superuser else membership_role


def authorize(user: Actor, studio_id: Any, permission: str) -> str:
    """Return the user's role if it holds the permission; NotFound for non-members, else Forbidden."""
    return permit(role_of(user, studio_id), permission)


def permit(role: str | None, permission: str) -> str:
    """Return the role if it holds the permission; NotFound for no role (not a member), else Forbidden."""
    if role is None:
        raise NotFound("Not found.")
    if role not in PERMISSIONS[permission]:
        raise Forbidden(f"Your role ({role}) may not do this ({permission}).",
                        extra={"role": role, "permission": permission})
    return role


def get_or_404(model: type[models.Model], pk: Any) -> Any:
    """Return a row by primary key; NotFound when it is missing or the id is malformed."""
    try:
        obj = model._default_manager.filter(pk=pk).first()
    except (ValidationError, ValueError):  # a malformed id is as unknown as a missing one
        obj = None
    if obj is None:
        raise NotFound("Not found.")
    return obj


def get_visible(model: type[models.Model], pk: Any, user: Actor, permission: str = VIEW) -> Any:
    """Return a studio-owned row by primary key if the user holds the permission there; NotFound otherwise."""
    obj = get_or_404(model, pk)
    authorize(user, obj.studio_id, permission)
    return obj


def visible_studio_ids(user: Actor | None) -> set[str]:
    """Return the ids (as strings) of the studios the user belongs to."""
    from studios.models import Studio

    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {str(pk) for pk in Studio.objects.values_list("id", flat=True)}
    return {str(pk) for pk in Membership.objects.filter(user_id=user.pk).values_list("studio_id", flat=True)}
