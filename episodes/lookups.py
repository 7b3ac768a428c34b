"""How a person names an episode or a cut, and how shots are shown (number and title, not an id)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from episodes.models import Cut, Episode, Series, Shot, ShotRevision
from studios.lookup import Kind

_EPISODE = r"(?:ep?|episode\s*)?0*(\d+)"


def _episode_code(text: str) -> Q | None:
    match = re.fullmatch(_EPISODE, text, re.IGNORECASE)
    return Q(number=int(match[1])) if match else None


def _cut_code(text: str) -> Q | None:
    match = re.fullmatch(_EPISODE + r"[-/ ]cut\s*0*(\d+)", text, re.IGNORECASE)
    return Q(episode__number=int(match[1]), number=int(match[2])) if match else None


def episode_code(episode: Episode) -> str:
    """Return an episode's code, `ep01`."""
    return f"ep{episode.number:02d}"


EPISODE = Kind(label="episode", model=Episode, name_field="title", code=_episode_code, code_help="ep01, e1 or 1",
               describe=lambda e: f"{episode_code(e)} {e.title!r} of series {e.series.title!r}")
SERIES = Kind(label="series", model=Series, name_field="title", describe=lambda s: repr(s.title))
CUT = Kind(label="cut", model=Cut, code=_cut_code, code_help="ep01-cut1",
           describe=lambda c: f"{episode_code(c.episode)}-cut{c.number} of {c.episode.title!r}")


@dataclass(frozen=True)
class ShotLabel:
    """A shot as a person reads it: its episode and number, and its title at a revision."""

    episode: int
    number: int
    title: str

    @property
    def code(self) -> str:
        """`ep01-sh03`."""
        return f"ep{self.episode:02d}-sh{self.number:02d}"


def shot_labels(revisions: Iterable[tuple[str, int]]) -> dict[tuple[str, int], ShotLabel]:
    """Return the label of each (shot id, revision) pair, in two queries."""
    wanted = {(str(shot), int(revision)) for shot, revision in revisions}
    shots = {str(s.id): s for s in Shot.objects.filter(pk__in={s for s, _ in wanted}).select_related("episode")}
    titles = {rev.id: rev.title for rev in ShotRevision.objects.filter(pk__in=[f"{s}:{r}" for s, r in wanted])}
    return {(s, r): ShotLabel(shots[s].episode.number, shots[s].order, titles.get(f"{s}:{r}", ""))
            for s, r in wanted if s in shots}
