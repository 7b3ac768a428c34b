"""OpenAPI post-processing: document the contract's error body on every operation."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "extra"],
    "properties": {
        "code": {"type": "string", "description": "Machine-readable error code."},
        "message": {"type": "string", "description": "A human sentence."},
        "extra": {"type": "object", "additionalProperties": True},
    },
}
ERROR_STATUSES = {
    "400": "Bad input (field errors under extra.fields).",
    "401": "No or invalid credentials.",
    "403": "Known but not allowed.",
    "404": "Unknown, or belonging to another studio.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Stale expected_version / expected_revision (extra.current_version).",
    "413": "Upload too large.",
    "415": "Unsupported media type.",
    "422": "A rule refuses the action.",
    "429": "Too many requests.",
    "503": "A dependency does not answer.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the shared Error schema and reference it from every operation's 4xx/5xx responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(status, {"description": description, "content": reference})
    return result
