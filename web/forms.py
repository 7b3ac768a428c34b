"""Forms a person fills in; each turns HTML inputs into the same values the API takes, and nothing more.

Validation stays in the services (assets.schemas through asset_version_create, episodes.content
through shot_revise): a form only reads the inputs, and a refusal's field errors are shown next to
the inputs they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from assets.schemas import SCHEMAS, Choice, Number, Palette, Record, Text, TextList


@dataclass(frozen=True)
class Input:
    """One HTML input of an attribute (a Record's parts are inputs of their own, named `attr.part`)."""

    name: str
    label: str
    widget: str  # text | textarea | lines | number | select
    value: str
    options: tuple[str, ...] = ()
    help: str = ""


def attribute_inputs(kind: str, attributes: dict[str, Any]) -> list[Input]:
    """Return the inputs of a kind's attribute schema, filled with `attributes`."""
    inputs: list[Input] = []
    for name, field in SCHEMAS[kind].items():
        inputs.extend(_inputs(name, name.replace("_", " "), field, attributes.get(name)))
    return inputs


def _inputs(name: str, label: str, field: Any, value: Any) -> list[Input]:
    if isinstance(field, Record):
        value = value if isinstance(value, dict) else {}
        return [i for part, sub in field.fields.items()
                for i in _inputs(f"{name}.{part}", f"{label} {part}", sub, value.get(part))]
    if isinstance(field, Choice):
        return [Input(name, label, "select", "" if value is None else str(value), field.options)]
    if isinstance(field, Number):
        return [Input(name, label, "number", "" if value is None else f"{value:g}")]
    if isinstance(field, Palette):
        return [Input(name, label, "text", " ".join(value or []), help="hex colours separated by spaces")]
    if isinstance(field, TextList):
        return [Input(name, label, "lines", "\n".join(value or []), help="one per line")]
    if isinstance(field, Text):
        widget = "textarea" if field.max_length > 200 else "text"
        return [Input(name, label, widget, value or "")]
    return [Input(name, label, "text", "" if value is None else str(value))]


def attributes_from(kind: str, data: QueryDict) -> dict[str, Any]:
    """Read a kind's attributes from posted inputs (empty inputs are left out, as in the API)."""
    attributes: dict[str, Any] = {}
    for name, field in SCHEMAS[kind].items():
        value = _value(name, field, data)
        if value not in (None, "", [], {}):
            attributes[name] = value
    return attributes


def _value(name: str, field: Any, data: QueryDict) -> Any:
    if isinstance(field, Record):
        parts = {part: _value(f"{name}.{part}", sub, data) for part, sub in field.fields.items()}
        return {k: v for k, v in parts.items() if v not in (None, "")}
    raw = data.get(f"attr.{name}", "").strip()
    if isinstance(field, Number):
        return _number(raw)
    if isinstance(field, Palette):
        return raw.replace(",", " ").split()
    if isinstance(field, TextList):
        return [line.strip() for line in raw.splitlines() if line.strip()]
    return raw


def _number(raw: str) -> Any:
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        return raw  # the schema refuses it with its own message
    return int(number) if number.is_integer() else number


def pins_from(values: list[str]) -> list[dict[str, Any]]:
    """Read pins posted as "<asset>:<version>" values."""
    pins = []
    for value in values:
        asset, _, version = value.rpartition(":")
        if asset and version.isdigit():
            pins.append({"asset": asset, "version": int(version)})
    return pins


def field_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Map a refusal's field errors ("attributes.palette[1]") to input names ("palette")."""
    errors: dict[str, str] = {}
    for key, problems in (fields or {}).items():
        name = key.removeprefix("attributes.").split("[")[0]
        message = problems[0] if isinstance(problems, list) and problems else str(problems)
        errors.setdefault(name, str(message))
    return errors
