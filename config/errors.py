"""Domain errors shared by every app; one exception handler maps them to the API error body."""

from __future__ import annotations

import uuid
from typing import Any


class DomainError(Exception):
    """Raised when a use case refuses an action; carries the API code, status and extra detail."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class InvalidInput(DomainError):
    """Raised when input is malformed; `fields` maps field names to messages."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code, extra={"fields": fields or {}})


class Forbidden(DomainError):
    """Raised when a known user is not allowed to perform an action."""

    code = "forbidden"
    status = 403


class NotFound(DomainError):
    """Raised when an object does not exist or belongs to a studio the caller cannot see."""

    code = "not_found"
    status = 404


def found(model: Any, pk: Any) -> Any:
    """Return the `model` row whose UUID key is `pk`; NotFound when there is none or `pk` is no UUID."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise NotFound("Not found.") from None
    row = model.objects.filter(pk=key).first()
    if row is None:
        raise NotFound("Not found.")
    return row


class Conflict(DomainError):
    """Raised when a write was based on a stale version."""

    code = "conflict"
    status = 409


class TooLarge(DomainError):
    """Raised when an upload exceeds a configured size limit."""

    code = "too_large"
    status = 413


class RuleViolation(DomainError):
    """Raised when a business rule refuses an otherwise well-formed action."""

    code = "rule_violation"
    status = 422
