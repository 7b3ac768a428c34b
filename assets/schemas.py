"""Declarative attribute schemas of the four asset kinds, and the one validator that applies them.

Every attribute is optional (a first sketch of a character may only have a name); what is given
must be known for the kind and well typed. Errors name the field as `attributes.<name>` (with an
index or key for nested values) so clients can point at the exact input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from config.errors import InvalidInput

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Text:
    """A string of at most `max_length` characters (surrounding whitespace is trimmed)."""

    max_length: int = 2000

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, str):
            errors[path] = ["Must be a string."]
        elif len(value.strip()) > self.max_length:
            errors[path] = [f"At most {self.max_length} characters."]
        else:
            return value.strip()
        return None


@dataclass(frozen=True)
class TextList:
    """A list of short non-empty strings (traits, garments, materials, tags…)."""

    max_items: int = 50
    max_length: int = 200

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            errors[path] = ["Must be a list of strings."]
            return None
        if len(value) > self.max_items:
            errors[path] = [f"At most {self.max_items} items."]
            return None
        cleaned = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip() or len(item.strip()) > self.max_length:
                errors[f"{path}[{index}]"] = [f"Must be a non-empty string of at most {self.max_length} characters."]
            else:
                cleaned.append(item.strip())
        return cleaned


_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Palette:
    """A list of hex colours ("#rgb" or "#rrggbb"), stored as lower-case "#rrggbb"."""

    max_items: int = 32

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, list) or len(value) > self.max_items:
            errors[path] = [f"Must be a list of at most {self.max_items} hex colours like \"#1a2b3c\"."]
            return None
        cleaned = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not _HEX.match(item):
                errors[f"{path}[{index}]"] = ["Must be a hex colour like \"#1a2b3c\"."]
                continue
            digits = item[1:].lower()
            cleaned.append("#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits))
        return cleaned


@dataclass(frozen=True)
class Number:
    """A number (not a boolean) between `minimum` and `maximum`."""

    minimum: float = 0
    maximum: float = 1e9

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[path] = ["Must be a number."]
        elif not self.minimum <= value <= self.maximum:
            errors[path] = [f"Must be between {self.minimum:g} and {self.maximum:g}."]
        else:
            return value
        return None


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of strings."""

    options: tuple[str, ...]

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        if value not in self.options:
            errors[path] = [f"Must be one of: {', '.join(self.options)}."]
            return None
        return value


@dataclass(frozen=True)
class Record:
    """A nested object with its own fields; `required` lists the keys that must be present."""

    fields: dict[str, Any]
    required: tuple[str, ...] = ()

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, dict):
            errors[path] = [f"Must be an object with keys: {', '.join(self.fields)}."]
            return None
        cleaned = clean_fields(self.fields, value, path, errors)
        for key in self.required:
            if key not in value:
                errors[f"{path}.{key}"] = ["This field is required."]
        return cleaned


class AgeRange(Record):
    """An apparent age range {min, max} in years, min <= max."""

    def __init__(self) -> None:
        super().__init__({"min": Number(0, 1000), "max": Number(0, 1000)}, required=("min", "max"))

    def clean(self, value: Any, path: str, errors: Errors) -> Any:
        cleaned = super().clean(value, path, errors)
        if cleaned and {"min", "max"} <= cleaned.keys() and cleaned["min"] > cleaned["max"]:
            errors[path] = ["min must not exceed max."]
        return cleaned


SHORT = Text(200)
DESCRIPTION = Text(5000)
TAGS = TextList(max_items=50, max_length=60)
UNITS = ("mm", "cm", "m", "in", "ft")
DIMENSIONS = Record({"width": Number(0, 1e6), "height": Number(0, 1e6), "depth": Number(0, 1e6),
                     "unit": Choice(UNITS)}, required=("unit",))

SCHEMAS: dict[str, dict[str, Any]] = {
    "character": {
        "description": DESCRIPTION,
        "species": SHORT,
        "pronouns": SHORT,
        "age_range": AgeRange(),
        "height_cm": Number(1, 10000),
        "build": SHORT,
        "appearance": TextList(),  # appearance traits: "freckles", "scar over left eye"…
        "palette": Palette(),
        "voice": Text(1000),
        "personality": TextList(),
        "backstory": DESCRIPTION,
        "tags": TAGS,
    },
    "costume": {
        "description": DESCRIPTION,
        "garments": TextList(),
        "palette": Palette(),
        "materials": TextList(),
        "accessories": TextList(),
        "era": SHORT,
        "condition": Choice(("pristine", "worn", "damaged", "tattered")),
        "tags": TAGS,
    },
    "prop": {
        "description": DESCRIPTION,
        "materials": TextList(),
        "dimensions": DIMENSIONS,
        "weight_kg": Number(0, 1e6),
        "palette": Palette(),
        "condition": Choice(("new", "used", "worn", "damaged", "broken")),
        "interactive": Choice(("handheld", "set_dressing", "hero")),
        "tags": TAGS,
    },
    "scene": {
        "description": DESCRIPTION,
        "setting": Text(1000),
        "interior": Choice(("interior", "exterior", "mixed")),
        "time_of_day": Choice(("dawn", "morning", "noon", "afternoon", "golden_hour", "dusk", "evening", "night")),
        "weather": SHORT,
        "season": Choice(("spring", "summer", "autumn", "winter")),
        "lighting": Text(1000),
        "mood": SHORT,
        "palette": Palette(),
        "tags": TAGS,
    },
}

KINDS = tuple(SCHEMAS)


def clean_fields(fields: dict[str, Any], value: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    """Clean every key of `value` with its field, recording unknown keys as errors."""
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            errors[f"{path}.{key}"] = [f"Unknown field; allowed: {', '.join(fields)}."]
            continue
        result = field.clean(item, f"{path}.{key}", errors)
        if result is not None:
            cleaned[key] = result
    return cleaned


def validate_attributes(kind: str, attributes: Any) -> dict[str, Any]:
    """Return the cleaned attributes of an asset kind, or raise InvalidInput naming each bad field."""
    if kind not in SCHEMAS:
        raise InvalidInput(f"Unknown kind {kind!r}.", fields={"kind": [f"One of: {', '.join(KINDS)}."]})
    if not isinstance(attributes, dict):
        raise InvalidInput("attributes must be an object.", fields={"attributes": ["Must be an object."]})
    errors: Errors = {}
    cleaned = clean_fields(SCHEMAS[kind], attributes, "attributes", errors)
    if errors:
        first = next(iter(errors))
        raise InvalidInput(f"{first}: {errors[first][0]}", fields=errors)
    return cleaned


def describe(kind: str) -> dict[str, str]:
    """Return the kind's attribute names and their types (for docs and the CLI)."""
    return {name: type(field).__name__ for name, field in SCHEMAS[kind].items()}
