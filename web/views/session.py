"""Sign in and out (Django's session login) and switch the studio a person works in."""

from __future__ import annotations

import uuid

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import NotFound
from studios.access import authorize
from web.pages import SESSION_KEY


class LoginView(auth_views.LoginView):
    """The sign-in page (also what `/` shows to anyone signed out)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponseBase:
    """Show the sign-in page to anyone signed out, the library to everyone else."""
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    return redirect("web:library")


@require_POST
@login_required
def studio_switch(request: HttpRequest) -> HttpResponse:
    """Work in another of the caller's studios (404 for a studio they are not in, as everywhere)."""
    try:
        studio_id = str(uuid.UUID(request.POST.get("studio", "")))
    except ValueError:
        raise NotFound("Not found.") from None
    authorize(request.user, studio_id, "view")
    request.session[SESSION_KEY] = studio_id
    return redirect("web:library")
