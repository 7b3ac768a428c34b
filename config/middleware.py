"""Keep every /api/ answer in the contract's JSON error body, even where Django itself answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

_MESSAGES = {404: ("not_found", "Not found."), 405: ("method_not_allowed", "Method not allowed."),
             400: ("bad_request", "Bad request."), 403: ("forbidden", "Forbidden."),
             413: ("too_large", "Request body too large.")}


class ApiErrorBodyMiddleware:
    """Turn Django's HTML 4xx pages and unhandled exceptions under /api/ into `{code, message, extra}`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = _MESSAGES.get(response.status_code, ("error", "Request failed."))
        replaced = JsonResponse({"code": code, "message": message, "extra": {}}, status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
            if header in response:
                replaced[header] = response[header]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer an unhandled error under /api/ with the error body (logged with its traceback)."""
        if not request.path.startswith("/api/"):
            return None
        logger.exception("unhandled error on %s %s", request.method, request.path)
        body = {"code": "server_error", "message": "The server failed to handle this request.", "extra": {}}
        return HttpResponse(json.dumps(body), status=500, content_type="application/json")
