"""Input limits every request passes before any view runs, so both databases accept exactly the same data.

PostgreSQL refuses a NUL character in text and jsonb where SQLite stores it; no database can
store a lone UTF-16 surrogate (it has no UTF-8 form); a deeply nested document overflows Python's
stack in every recursive walk after it (canonical JSON, the hash chain, jsonb); JSON cannot hold
an infinite number. So the API refuses them at the door, the same way on both backends: request
bodies through `StrictJSONParser` (and the form parsers), the path and query string through
`RequestTextMiddleware`. A refusal happens before any service runs: it appends no event.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 64  # arrays and objects inside one another; real payloads nest a handful deep
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnstorableInput(ParseError):
    """Raised when input holds what a database cannot store the same way on both backends."""

    default_code = "invalid_text"


def unstorable_reason(value: Any) -> str | None:
    """Return why a parsed JSON value cannot be stored identically on both databases, or None.

    Walks with an explicit stack rather than recursion: the point is to refuse what recursion chokes on.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            reason = text_reason(item)
        elif isinstance(item, float) and not math.isfinite(item):  # 1e999 parses as infinity
            reason = "Numbers must be finite."
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return f"JSON may nest at most {MAX_DEPTH} levels deep."
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
            continue
        else:
            continue
        if reason:
            return reason
    return None


def text_reason(text: str) -> str | None:
    """Return why a string cannot be stored (a NUL or a lone surrogate), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Text may not contain the NUL character (\\u0000)."
    return "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff)."


class StrictJSONParser(parsers.JSONParser):
    """DRF's JSON parser with the storable-data rules above (400).

    The body's size is limited before it is parsed: DRF reads it through `HttpRequest.body`, which
    refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE (config.api answers that 413).
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise UnstorableInput(f"JSON may nest at most {MAX_DEPTH} levels deep.") from None
        reason = unstorable_reason(data)
        if reason:
            raise UnstorableInput(reason)
        return data


class StrictFormParser(parsers.FormParser):
    """DRF's form parser, refusing unstorable text in the fields."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_unstorable(_texts(data))
        return data


class StrictMultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing unstorable text in the fields and file names."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        names = [getattr(upload, "name", "") or "" for upload in parsed.files.values()]
        _refuse_unstorable([*_texts(parsed.data), *names])
        return parsed


def _texts(fields: Any) -> list[str]:
    """Return the names and values of a QueryDict."""
    return [text for key, values in fields.lists() for text in (key, *values)]


def _refuse_unstorable(texts: Iterable[Any]) -> None:
    for text in texts:
        reason = text_reason(text) if isinstance(text, str) else None
        if reason:
            raise UnstorableInput(reason)


class RequestTextMiddleware:
    """Refuse a NUL in an /api/ path or query string (400) before it reaches a database lookup."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            for text in [request.path, *_texts(request.GET)]:
                reason = text_reason(text)
                if reason:
                    return JsonResponse({"code": "invalid_text", "message": reason, "extra": {}}, status=400)
        return self.get_response(request)
