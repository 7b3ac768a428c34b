"""Find what a person names on the command line: an asset, episode, cut, plan… by id, code or name.

One rule for every kind, so every command reads its arguments the same way: a full id, else the
kind's code (`ep01`, `red-coat`, `ep01-cut1`…), else its name or title (case-insensitive), else a
unique id prefix of at least 8 characters (what tables print). Only the user's studios are
searched; the first way that matches decides, and more than one match there lists the candidates.
Each app declares its kinds (`assets/lookups.py`, `episodes/lookups.py`, `generation/lookups.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from config.types import Actor
from studios.access import visible_studio_ids
from studios.models import Studio

MIN_PREFIX = 8
MAX_CANDIDATES = 10


class LookupFailed(Exception):
    """Raised when an argument names nothing, or more than one thing, in the user's studios."""

    def __init__(self, message: str, *, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = list(candidates)


@dataclass(frozen=True)
class Kind:
    """How a kind of thing is named: its model, its name field, how its code reads, how a candidate shows."""

    label: str
    model: type[Model]
    name_field: str | None = None
    code: Callable[[str], Q | None] | None = None  # the filter a code means, or None if the text is not one
    code_help: str = ""  # e.g. "ep01", shown in the message when nothing is found
    describe: Callable[[Any], str] = str
    studio_field: str = "studio_id"

    def ways(self) -> str:
        """Say how this kind is looked up (for messages and help texts)."""
        ways = ["id"] + ([f"code ({self.code_help})"] if self.code else [])
        ways += [f"{self.name_field} (any case)"] if self.name_field else []
        return ", ".join(ways + [f"id prefix of {MIN_PREFIX}+ characters"])


def find(actor: Actor, kind: Kind, value: str, *, within: QuerySet | None = None) -> Any:
    """Return the one thing of `kind` that `value` names in the actor's studios (LookupFailed otherwise)."""
    text = (value or "").strip()
    visible = within if within is not None else kind.model._default_manager.all()
    visible = visible.filter(**{f"{kind.studio_field}__in": list(visible_studio_ids(actor))})
    for way, condition in _conditions(kind, text):
        found = list(visible.filter(condition)[: MAX_CANDIDATES + 1])
        if len(found) == 1:
            return found[0]
        if found:
            shown = [f"{kind.describe(item)}  [{item.pk}]" for item in found[:MAX_CANDIDATES]]
            more = " (and more)" if len(found) > MAX_CANDIDATES else ""
            raise LookupFailed(f"{len(shown)}{more} {kind.label}s match {way} {text!r}: give the id or a longer name.",
                               candidates=shown)
    user = getattr(actor, "username", "") or "anonymous"
    raise LookupFailed(f"No {kind.label} {text!r} in the studios of {user} (looked up by {kind.ways()}).")


def _conditions(kind: Kind, text: str) -> list[tuple[str, Q]]:
    conditions: list[tuple[str, Q]] = []
    try:
        conditions.append(("the id", Q(pk=uuid.UUID(text))))
    except ValueError:
        pass
    code = kind.code(text) if kind.code and text else None
    if code is not None:
        conditions.append(("the code", code))
    if kind.name_field and text:
        conditions.append((f"the {kind.name_field}", Q(**{f"{kind.name_field}__iexact": text})))
    prefix = text.replace("-", "").lower()
    if len(prefix) >= MIN_PREFIX and all(c in "0123456789abcdef" for c in prefix):
        conditions.append(("the id prefix", Q(pk__startswith=text.lower())))
    return conditions


STUDIO = Kind(label="studio", model=Studio, name_field="name", studio_field="id",
              describe=lambda studio: studio.name)


def studio_find(actor: Actor, value: str) -> Studio:
    """Return the one studio of the actor's that `value` names (id, name or id prefix)."""
    studio: Studio = find(actor, STUDIO, value)
    return studio
