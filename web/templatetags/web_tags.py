"""Template filters of the web app."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """Return mapping[key] (str keys), or None."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(str(key))


@register.filter
def percent(done: int, total: int) -> int:
    """Return done/total as a whole percentage."""
    return int(100 * done / total) if total else 100


@register.filter
def words(value: Any) -> str:
    """Return a code like "in_review" as words ("in review")."""
    return str(value or "").replace("_", " ")
