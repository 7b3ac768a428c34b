"""API plumbing shared by every app: the error body, pagination and small view helpers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.errors import DomainError

_DRF_CODES: dict[type[drf.APIException], str] = {
    drf.NotAuthenticated: "not_authenticated",
    drf.AuthenticationFailed: "authentication_failed",
    drf.PermissionDenied: "forbidden",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "throttled",
    drf.ParseError: "parse_error",
}


def error_response(status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> Response:
    """Build the contract's error body."""
    return Response({"code": code, "message": message, "extra": extra or {}}, status=status)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and DRF exceptions to `{code, message, extra}` with the contract's status codes."""
    set_rollback()
    if isinstance(exc, DomainError):
        return error_response(exc.status, exc.code, exc.message, exc.extra)
    if isinstance(exc, Http404):
        return error_response(404, "not_found", "Not found.")
    if isinstance(exc, RequestDataTooBig):  # DRF reads a JSON or form body through HttpRequest.body, which limits it
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(413, "too_large", f"The request body is larger than the limit of {limit} bytes.",
                              {"limit": limit})
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(403, "forbidden", "You are not allowed to do this.")
    if isinstance(exc, drf.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return error_response(400, "invalid", _first_message(fields), {"fields": fields})
    if isinstance(exc, drf.APIException):
        code = _DRF_CODES.get(type(exc), exc.default_code)
        response = error_response(exc.status_code, code, str(exc.detail))
        wait = exc.wait if isinstance(exc, drf.Throttled) else None  # type: ignore[attr-defined]  # stubs lack it
        if wait is not None:
            response["Retry-After"] = str(int(wait))
            response.data["extra"] = {"retry_after": int(wait)}
        auth_header = getattr(exc, "auth_header", None)  # set by APIView.handle_exception for a 401
        if auth_header:
            response["WWW-Authenticate"] = auth_header
        return response
    return None


def _first_message(fields: Any) -> str:
    """Return a readable sentence for the first field error."""
    if isinstance(fields, dict) and fields:
        name, errors = next(iter(fields.items()))
        first = errors[0] if isinstance(errors, list) and errors else errors
        if isinstance(first, dict):
            return f"{name}: {_first_message(first)}"
        return f"{name}: {first}" if name != "non_field_errors" else str(first)
    if isinstance(fields, list) and fields:
        return str(fields[0])
    return "Invalid input."


class Pagination(PageNumberPagination):
    """Page-number pagination with a client-chosen page size (at most 500)."""

    page_size_query_param = "page_size"
    max_page_size = 500
