"""Licence terms: their vocabulary, validation, and the two questions asked of them.

- `coverage_failure`: does a record cover one use (territory, medium, date, language)? If not, which
  clause refuses it.
- `terms_overlap`: could two records grant the same use (for exclusivity)?

Functions take any object with the term attributes (a `Terms`, or a `RightsRecord` row), so the
same rules serve validation before an append and the availability reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.utils.dateparse import parse_date

from config.errors import InvalidInput
from config.vocabularies.languages import LANGUAGES
from config.vocabularies.media import MEDIA
from config.vocabularies.territories import COUNTRIES

RESTRICTIONS: dict[str, str] = {
    "no_ai_training": "May not be used to train machine-learning models",
    "no_political_content": "May not appear in political content",
    "no_advertising": "May not appear in advertising",
    "no_merchandising": "No merchandise may be derived",
    "no_alteration": "The likeness may not be altered beyond the approved design",
    "no_sexual_content": "May not appear in sexual content",
    "no_alcohol_tobacco": "May not be shown with alcohol or tobacco",
    "no_violence": "May not be shown committing violence",
    "credit_required": "The licensor must be credited",
    "approval_required": "Each use needs the licensor's approval",
}

# Term fields an amendment may change (the asset and version of a record never change).
AMENDABLE = ("licensor", "licensee", "territories", "media", "languages", "window_start", "window_end",
             "exclusive", "restrictions", "contract_ref", "note")


class HasTerms(Protocol):
    """The term attributes the rules read, read-only so that a frozen `Terms` and a `RightsRecord` both fit."""

    @property
    def worldwide(self) -> bool: ...
    @property
    def territories_include(self) -> Sequence[str]: ...
    @property
    def territories_exclude(self) -> Sequence[str]: ...
    @property
    def media(self) -> Sequence[str]: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def window_start(self) -> date: ...
    @property
    def window_end(self) -> date | None: ...
    @property
    def exclusive(self) -> bool: ...
    @property
    def licensee(self) -> str: ...


@dataclass(frozen=True)
class Terms:
    """Validated, normalised licence terms (codes upper/lower-cased, lists sorted and de-duplicated)."""

    licensor: str
    licensee: str
    worldwide: bool
    territories_include: tuple[str, ...]
    territories_exclude: tuple[str, ...]
    media: tuple[str, ...]
    languages: tuple[str, ...]
    window_start: date
    window_end: date | None
    exclusive: bool
    restrictions: tuple[str, ...]
    contract_ref: str
    note: str

    def as_data(self) -> dict[str, Any]:
        """Return the terms as JSON-ready event fields (dates as ISO strings, lists as lists)."""
        data = dataclasses.asdict(self)
        for name, value in data.items():
            if isinstance(value, tuple):
                data[name] = list(value)
        data["window_start"] = self.window_start.isoformat()
        data["window_end"] = self.window_end.isoformat() if self.window_end else None
        return data


def terms_from(data: Mapping[str, Any]) -> Terms:
    """Validate raw terms; raise InvalidInput naming every bad field."""
    errors: dict[str, list[str]] = {}
    territories = data.get("territories") or {}
    if not isinstance(territories, Mapping):
        errors["territories"] = ["An object {worldwide, include, exclude}."]
        territories = {}
    worldwide = bool(territories.get("worldwide", False))
    include = _codes(territories.get("include"), "territories", errors, upper=True, known=COUNTRIES)
    exclude = _codes(territories.get("exclude"), "territories", errors, upper=True, known=COUNTRIES)
    _check_territories(worldwide, include, exclude, errors)
    media = _codes(data.get("media"), "media", errors, upper=False, known=MEDIA)
    if not media and "media" not in errors:
        errors["media"] = [f"At least one of {', '.join(MEDIA)}."]
    start, end = _window(data, errors)
    terms = dict(
        licensor=_text(data.get("licensor"), "licensor", errors, required=True),
        licensee=_text(data.get("licensee"), "licensee", errors, required=True),
        worldwide=worldwide, territories_include=include, territories_exclude=exclude, media=media,
        languages=_codes(data.get("languages"), "languages", errors, upper=False, known=LANGUAGES),
        window_start=start, window_end=end, exclusive=bool(data.get("exclusive", False)),
        restrictions=_codes(data.get("restrictions"), "restrictions", errors, upper=False, known=RESTRICTIONS),
        contract_ref=_text(data.get("contract_ref"), "contract_ref", errors, required=False),
        note=_text(data.get("note"), "note", errors, required=False, limit=2000),
    )
    if errors:
        raise InvalidInput(f"Invalid rights terms: {', '.join(sorted(errors))}.", fields=errors)
    return Terms(**terms)


def terms_data_of(record: Any) -> dict[str, Any]:
    """Return a record's terms in the raw input shape (for merging an amendment onto it)."""
    return {
        "licensor": record.licensor, "licensee": record.licensee,
        "territories": {"worldwide": record.worldwide, "include": list(record.territories_include),
                        "exclude": list(record.territories_exclude)},
        "media": list(record.media), "languages": list(record.languages),
        "window_start": record.window_start, "window_end": record.window_end, "exclusive": record.exclusive,
        "restrictions": list(record.restrictions), "contract_ref": record.contract_ref, "note": record.note,
    }


def _codes(value: Any, field: str, errors: dict[str, list[str]], *, upper: bool, known: Mapping[str, str]
           ) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.setdefault(field, []).append("A list of codes.")
        return ()
    codes = {v.strip().upper() if upper else v.strip().lower() for v in value}
    unknown = sorted(c for c in codes if c not in known)
    if unknown:
        errors.setdefault(field, []).append(f"Unknown code(s): {', '.join(unknown)}.")
    return tuple(sorted(codes))


def _check_territories(worldwide: bool, include: tuple[str, ...], exclude: tuple[str, ...],
                       errors: dict[str, list[str]]) -> None:
    if worldwide and include:
        errors.setdefault("territories", []).append("Either worldwide or an include list, not both.")
    elif not worldwide and not include:
        errors.setdefault("territories", []).append("Worldwide, or at least one included territory.")
    both = sorted(set(include) & set(exclude))
    if both:
        errors.setdefault("territories", []).append(f"Both included and excluded: {', '.join(both)}.")


def _window(data: Mapping[str, Any], errors: dict[str, list[str]]) -> tuple[Any, date | None]:
    start = _date(data.get("window_start"), "window_start", errors)
    end = _date(data.get("window_end"), "window_end", errors)
    if data.get("window_start") in (None, "") and "window_start" not in errors:
        errors["window_start"] = ["This field is required."]
    if start and end and end < start:
        errors["window_end"] = ["Must not be before window_start."]
    return start, end


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(value) if isinstance(value, str) else None
    except ValueError:  # well formed but not a real day (2026-02-30)
        parsed = None
    if parsed is None:
        errors[field] = ["A date as YYYY-MM-DD."]
    return parsed


def _text(value: Any, field: str, errors: dict[str, list[str]], *, required: bool, limit: int = 200) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors[field] = ["A string."]
    elif required and not text:
        errors[field] = ["This field is required."]
    elif len(text) > limit:
        errors[field] = [f"At most {limit} characters."]
    return text


# --- the questions ---------------------------------------------------------------------------

def coverage_failure(terms: HasTerms, *, territory: str, medium: str, on: date, language: str | None = None
                     ) -> tuple[str, str] | None:
    """Return (reason, detail) for the first clause that refuses this use, or None when covered."""
    if territory in terms.territories_exclude:
        return "territory_excluded", f"{territory} is excluded."
    if not terms.worldwide and territory not in terms.territories_include:
        return "territory_not_included", f"{territory} is not among {', '.join(terms.territories_include)}."
    if medium not in terms.media:
        return "media_not_licensed", f"{medium} is not among {', '.join(terms.media)}."
    if on < terms.window_start:
        return "window_not_started", f"{on.isoformat()} is before the window opens ({terms.window_start.isoformat()})."
    if terms.window_end is not None and on > terms.window_end:
        return "window_expired", f"{on.isoformat()} is after the window closed ({terms.window_end.isoformat()})."
    if language and terms.languages and language not in terms.languages:
        return "language_not_licensed", f"{language} is not among {', '.join(terms.languages)}."
    return None


def terms_overlap(a: HasTerms, b: HasTerms) -> bool:
    """Return whether some (territory, medium, language, day) is granted by both."""
    if not set(a.media) & set(b.media):
        return False
    if a.languages and b.languages and not set(a.languages) & set(b.languages):
        return False
    if not _windows_overlap(a, b):
        return False
    return bool(_territory_set(a) & _territory_set(b))


def _windows_overlap(a: HasTerms, b: HasTerms) -> bool:
    a_ends_first = a.window_end is not None and a.window_end < b.window_start
    b_ends_first = b.window_end is not None and b.window_end < a.window_start
    return not (a_ends_first or b_ends_first)


def _territory_set(terms: HasTerms) -> set[str]:
    base: Iterable[str] = COUNTRIES if terms.worldwide else terms.territories_include
    return set(base) - set(terms.territories_exclude)
