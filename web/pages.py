"""What every page needs: the studio being worked in, the caller's role there, and what that role may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.errors import NotFound
from config.types import Actor
from studios.access import PERMISSIONS, effective_role
from studios.models import Membership, Studio
from studios.selectors import studio_list

SESSION_KEY = "web_studio"


@dataclass
class Workspace:
    """The studio a page works in, the caller's studios (for the switcher) and the caller's role."""

    studio: Studio
    studios: list[Studio]
    role: str
    can: dict[str, bool] = field(default_factory=dict)


def can_table(role: str | None) -> dict[str, bool]:
    """Return {permission with "_" for ".": allowed} from studios.access (the one table of roles)."""
    return {name.replace(".", "_"): role in roles for name, roles in PERMISSIONS.items()}


def workspace(request: HttpRequest, studio_id: Any = None) -> Workspace:
    """Return the workspace: `studio_id` when a page's object names it, else the studio chosen in the session."""
    roles = _memberships(request.user)
    if not roles:
        raise NotFound("You belong to no studio yet: ask a studio admin to add you.")
    studios = sorted((studio for studio, _role in roles.values()), key=lambda s: (s.name, str(s.id)))
    wanted = str(studio_id or request.session.get(SESSION_KEY) or "")
    if wanted not in roles:
        if studio_id is not None:
            raise NotFound("Not found.")
        wanted = str(studios[0].id)
    studio, membership_role = roles[wanted]
    role = effective_role(request.user, membership_role) or ""
    return Workspace(studio=studio, studios=studios, role=role, can=can_table(role))


def _memberships(user: Actor) -> dict[str, tuple[Studio, str | None]]:
    """Return {studio id: (studio, the user's membership role)} of the user's studios, in one query."""
    if user.is_superuser or user.pk is None:
        return {str(s.id): (s, None) for s in studio_list(user=user)}
    rows = Membership.objects.filter(user_id=user.pk).select_related("studio")
    return {str(m.studio_id): (m.studio, m.role) for m in rows}


def is_htmx(request: HttpRequest) -> bool:
    """Return whether htmx sent the request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def page(request: HttpRequest, template: str, context: dict[str, Any], ws: Workspace, *,
         status: int = 200) -> HttpResponse:
    """Render a page of the app with its workspace."""
    return render(request, template, {"ws": ws, "can": ws.can, **context}, status=status)
