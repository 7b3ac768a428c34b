"""Reads of cut approvals (read models only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from config.errors import InvalidInput
from config.types import Actor
from episodes.models import Cut, Episode
from reviews.models import ApprovalState, CutApproval
from studios.access import VIEW, authorize, get_or_404


def cut_approvals(*, user: Actor, cut_id: Any, state: str | None = None) -> QuerySet[CutApproval]:
    """Return a cut's approvals, newest first (optionally only current or stale ones)."""
    cut = get_or_404(Cut, cut_id)
    authorize(user, cut.studio_id, VIEW)
    return _in_state(CutApproval.objects.filter(cut_id=cut.id), state)


def episode_approvals(*, user: Actor, episode_id: Any, state: str | None = None) -> QuerySet[CutApproval]:
    """Return the approvals of every cut of an episode, newest first (optionally only current or stale ones)."""
    episode = get_or_404(Episode, episode_id)
    authorize(user, episode.studio_id, VIEW)
    return _in_state(CutApproval.objects.filter(episode_id=episode.id), state)


def approval_get(*, user: Actor, approval_id: Any) -> CutApproval:
    """Return one approval the user may see."""
    approval = get_or_404(CutApproval, approval_id)
    authorize(user, approval.studio_id, VIEW)
    return approval


def _in_state(approvals: QuerySet[CutApproval], state: str | None) -> QuerySet[CutApproval]:
    if state:
        if state not in ApprovalState.values:
            choices = ", ".join(ApprovalState.values)
            raise InvalidInput(f"Unknown state {state!r}.", fields={"state": [f"One of {choices}."]})
        approvals = approvals.filter(state=state)
    return approvals.order_by("-approved_at", "-id")

