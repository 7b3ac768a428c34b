"""Refusals on web pages: the domain's own errors (the API's refusals) shown to a person.

The services raise the same DomainError whether the API or a page called them; this middleware
turns one raised by a web view into a page with the same status code (404 for another studio's
objects, 403 for a role, 409 "someone changed this, reload", 422 for a rule), or, for an htmx
request, into a message swapped into the page's flash area.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.errors import Conflict, DomainError

STALE_MESSAGE = "Someone changed this while you were looking at it: reload the page to see the latest and try again."


def refusal_message(error: DomainError) -> str:
    """Return the sentence a person reads for a refusal."""
    if isinstance(error, Conflict):
        return STALE_MESSAGE
    return error.message


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """Render a refusal with the API's status code."""
    context = {"error": error, "message": refusal_message(error), "stale": isinstance(error, Conflict),
               "fields": error.extra.get("fields", {}) if isinstance(error.extra, dict) else {}}
    if bool(getattr(request, "htmx", False)):
        response = render(request, "web/partials/refusal.html", context, status=error.status)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "web/refusal.html", context, status=error.status)


class RefusalMiddleware:
    """Answer a DomainError raised by a web view (never an /api/ one: DRF answers those) as a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if not isinstance(exception, DomainError) or match is None or match.namespace != "web":
            return None
        return refusal_response(request, exception)
