"""Studio reads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from config.errors import NotFound
from config.types import Actor
from studios.access import VIEW, authorize, visible_studio_ids
from studios.models import Membership, Studio


def studio_list(*, user: Actor) -> QuerySet[Studio]:
    """Return the studios the user belongs to."""
    return Studio.objects.filter(id__in=visible_studio_ids(user)).order_by("name", "id")


def studio_get(*, user: Actor, studio_id: Any) -> Studio:
    """Return a studio the user belongs to (NotFound otherwise)."""
    authorize(user, studio_id, VIEW)
    return Studio.objects.get(pk=studio_id)


def member_list(*, user: Actor, studio_id: Any) -> QuerySet[Membership]:
    """Return a studio's members."""
    authorize(user, studio_id, VIEW)
    return Membership.objects.filter(studio_id=studio_id).select_related("user").order_by("joined_at", "id")


def member_get(*, user: Actor, studio_id: Any, username: str) -> Membership:
    """Return the membership of a user (by username) in a studio the caller belongs to (NotFound otherwise)."""
    authorize(user, studio_id, VIEW)
    membership = Membership.objects.filter(studio_id=studio_id, user__username=username).select_related("user").first()
    if membership is None:
        raise NotFound(f"{username} is not a member of this studio.")
    return membership
