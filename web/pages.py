"""What every page needs: the studio being worked in, the caller's role there, and what that role may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.errors import NotFound
from studios.access import PERMISSIONS, role_of
from studios.models import Studio
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
    studios = list(studio_list(user=request.user))
    if not studios:
        raise NotFound("You belong to no studio yet: ask a studio admin to add you.")
    wanted = str(studio_id or request.session.get(SESSION_KEY) or "")
    studio = next((s for s in studios if str(s.id) == wanted), None)
    if studio is None:
        if studio_id is not None:
            raise NotFound("Not found.")
        studio = studios[0]
    role = role_of(request.user, studio.id) or ""
    return Workspace(studio=studio, studios=studios, role=role, can=can_table(role))


def is_htmx(request: HttpRequest) -> bool:
    """Return whether htmx sent the request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def page(request: HttpRequest, template: str, context: dict[str, Any], ws: Workspace, *,
         status: int = 200) -> HttpResponse:
    """Render a page of the app with its workspace."""
    return render(request, template, {"ws": ws, "can": ws.can, **context}, status=status)
