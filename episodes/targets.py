"""An episode's distribution targets: where (ISO 3166-1 alpha-2), how (a medium) and from when.

The vocabularies are the ones rights terms use (config.vocabularies), so every target can be checked
against licences as is.
"""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_date

from config.errors import InvalidInput
from config.vocabularies.languages import LANGUAGES
from config.vocabularies.media import MEDIA
from config.vocabularies.territories import COUNTRIES

MAX_TARGETS = 500


def targets_clean(targets: Any) -> list[dict[str, Any]]:
    """Return targets as [{territory, media, release_date[, language]}], upper/lower-cased and checked."""
    if targets is None:
        return []
    if not isinstance(targets, list | tuple) or len(targets) > MAX_TARGETS:
        raise InvalidInput(f"targets must be a list of at most {MAX_TARGETS} objects.",
                           fields={"targets": ["Must be a list of {territory, media, release_date}."]})
    cleaned = [_target(value, f"targets[{i}]") for i, value in enumerate(targets)]
    seen: set[tuple[str, str, str]] = set()
    for index, target in enumerate(cleaned):
        key = (target["territory"], target["media"], target.get("language", ""))
        if key in seen:
            _refuse(f"targets[{index}]", f"{target['territory']} / {target['media']} is listed twice.")
        seen.add(key)
    return cleaned


def _target(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _refuse(field, "must be an object {territory, media, release_date}.")
    territory = str(value.get("territory") or "").strip().upper()
    if territory not in COUNTRIES:
        _refuse(f"{field}.territory", f"{territory or 'an empty value'} is not an ISO 3166-1 alpha-2 country code.")
    media = str(value.get("media") or "").strip().lower()
    if media not in MEDIA:
        _refuse(f"{field}.media", f"{media or 'an empty value'} is not a medium (one of {', '.join(MEDIA)}).")
    day = _date(value.get("release_date"))
    if day is None:
        _refuse(f"{field}.release_date", "must be a date YYYY-MM-DD.")
    target = {"territory": territory, "media": media, "release_date": day.isoformat()}
    language = value.get("language")
    if language:
        if str(language).lower() not in LANGUAGES:
            _refuse(f"{field}.language", f"{language} is not an ISO 639-1 language code.")
        target["language"] = str(language).lower()
    return target


def _date(value: Any) -> Any:
    try:
        return parse_date(value) if isinstance(value, str) else None
    except ValueError:  # well formed but not a real day (2026-02-30)
        return None


def _refuse(field: str, problem: str) -> None:
    raise InvalidInput(f"{field} {problem}", fields={field: [problem]})
