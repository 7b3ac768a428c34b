"""Re-render plans: from impact analysis, move direct pins of an asset to a newer version and re-render.

Decision on shots revised after the plan was made: `execute` skips them and lists them under
`skipped` with the reason (the rest of the plan still runs); a plan is a proposal about specific
revisions, so it never overwrites a newer revision. Executing an executed plan answers with the
job of its first execution and appends nothing, so nothing is ever rendered twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction

import eventlog
from assets.models import AssetVersion, VersionStatus
from config.errors import found
from config.types import Actor
from episodes.errors import StaleRevision
from episodes.models import Shot, ShotRevision
from episodes.services import shot_revise
from generation.errors import NothingToRender, PlanNotApproved, PlanState
from generation.events import RerenderPlanApproved, RerenderPlanCreated, RerenderPlanExecuted, plan_stream
from generation.models import JobKind, PlanStatus, RerenderPlan
from generation.services.jobs import job_queue, refuse_unlicensed, render_items
from lineage.impact import asset_row, impact_compute
from rights.selectors import pin_conflicts
from studios.access import authorize


def plan_create(*, actor: Actor, asset_id: str, to_version: int | None = None,
                episodes: Sequence[str] | None = None) -> RerenderPlan:
    """Compute a plan from impact analysis: direct pins move from → to; others are listed as blockers."""
    asset = asset_row(asset_id)
    studio_id = str(asset["studio_id"])
    authorize(actor, studio_id, "plan.create")
    impact = impact_compute(asset=asset, version=to_version)
    target = impact["target_version"]
    chosen = {str(e) for e in episodes or []}
    status = AssetVersion.objects.filter(pk=f"{asset['id']}:{target}").values_list("status", flat=True).first()
    shots, blockers = [], []
    for shot in impact["shots"]:
        if chosen and shot["episode"] not in chosen:
            continue
        row = {"shot": shot["shot"], "episode": shot["episode"], "revision": shot["revision"]}
        reason = _blocker(shot, str(asset["id"]), target, status) or _rights_blocker(shot, str(asset["id"]), target)
        if reason:
            blockers.append({**row, "from": shot["via"][0]["version"], "asset": shot["via"][0]["asset"],
                             "reason": reason})
        else:
            shots.append({**row, "from": shot["pinned_version"], "to": target})
    plan_id = str(uuid.uuid4())
    event = RerenderPlanCreated(plan_id=plan_id, studio_id=studio_id, asset_id=str(asset["id"]), to_version=target,
                                episodes=sorted(chosen), shots=shots, blockers=blockers, renders=len(shots),
                                created_by=actor.username)
    eventlog.append(plan_stream(plan_id), [event], expected_version=0, actor=actor, studio_id=studio_id)
    return RerenderPlan.objects.get(pk=plan_id)


def _blocker(shot: dict[str, Any], asset_id: str, target: int, status: str | None) -> str:
    if status != VersionStatus.APPROVED:
        return f"version {target} is {status or 'missing'}, not approved"
    if len(shot["via"]) > 1:
        first = shot["via"][0]
        return (f"pinned through asset {first['asset']} v{first['version']} ({shot['via'][1]['relation']}): "
                "give that asset a version that uses the new one, then plan it")
    return ""


def _shots_by_episode(revisions: list[ShotRevision]) -> dict[str, list[str]]:
    episode_of = dict(Shot.objects.filter(id__in=[r.shot_id for r in revisions]).values_list("id", "episode_id"))
    grouped: dict[str, list[str]] = {}
    for revision in revisions:
        grouped.setdefault(str(episode_of[revision.shot_id]), []).append(str(revision.shot_id))
    return grouped


def _rights_blocker(shot: dict[str, Any], asset_id: str, target: int) -> str:
    """Name the first rights conflict the new pin would raise for the shot's episode targets."""
    conflicts = pin_conflicts(episode_id=shot["episode"], cast=[{"asset": asset_id, "version": target}],
                              shot_id=shot["shot"])
    if not conflicts:
        return ""
    first = conflicts[0]
    return f"rights: v{target} not licensed for {first['territory']}/{first['media']} ({first['reason']})"


def plan_approve(*, actor: Actor, plan_id: str) -> RerenderPlan:
    """Approve a proposed plan (supervisors and admins)."""
    plan = _plan(plan_id)
    authorize(actor, plan.studio_id, "plan.approve")
    if plan.status != PlanStatus.PROPOSED:
        raise PlanState(f"The plan is already {plan.status}.", extra={"status": plan.status})
    eventlog.append(plan_stream(str(plan.id)), [RerenderPlanApproved(plan_id=str(plan.id), approved_by=actor.username)],
                    expected_version=1, actor=actor, studio_id=plan.studio_id)
    plan.refresh_from_db()
    return plan


def plan_execute(*, actor: Actor, plan_id: str) -> RerenderPlan:
    """Revise the plan's shots (skipping any revised since) and queue renders of only those revisions."""
    plan = _plan(plan_id)
    authorize(actor, plan.studio_id, "plan.execute")
    if plan.status == PlanStatus.EXECUTED:
        return plan  # idempotent: the first execution's job is the answer
    if plan.status != PlanStatus.APPROVED:
        raise PlanNotApproved("A plan must be approved before it is executed.", extra={"status": plan.status})
    # One transaction: the revisions, the job and the plan's execution commit together or not at all.
    with transaction.atomic():
        revised, skipped, revisions = _revise(actor, plan)
        if not revisions:
            raise NothingToRender("Every shot of the plan was revised since it was made.", extra={"skipped": skipped})
        # Rights are checked on the new pins; a refusal rolls the revisions back with everything else.
        for episode_id, shot_ids in _shots_by_episode(revisions).items():
            refuse_unlicensed(episode_id, shot_ids)
        job = job_queue(actor=actor, studio_id=str(plan.studio_id), kind=JobKind.RERENDER, plan_id=str(plan.id),
                        items=render_items(revisions, studio_id=str(plan.studio_id)))
        event = RerenderPlanExecuted(plan_id=str(plan.id), job_id=str(job.id), revised=revised, skipped=skipped)
        eventlog.append(plan_stream(str(plan.id)), [event], expected_version=2, actor=actor, studio_id=plan.studio_id)
    plan.refresh_from_db()
    return plan


def _revise(actor: Actor, plan: RerenderPlan) -> tuple[list[dict], list[dict], list[ShotRevision]]:
    revised, skipped, revisions = [], [], []
    current = dict(Shot.objects.filter(id__in=[s["shot"] for s in plan.shots]).values_list("id", "revision"))
    for entry in plan.shots:
        now = current.get(uuid.UUID(entry["shot"]))
        if now != entry["revision"]:
            skipped.append({"shot": entry["shot"], "reason": f"revised since the plan (now revision {now})"})
            continue
        old = ShotRevision.objects.get(pk=f"{entry['shot']}:{entry['revision']}")
        cast = [{**pin, "version": entry["to"]} if pin["asset"] == plan.asset_id and pin["version"] < entry["to"]
                else pin for pin in old.cast]
        try:
            new = shot_revise(actor=actor, shot_id=entry["shot"], expected_revision=entry["revision"],
                              changes={"cast": cast})
        except StaleRevision as error:
            skipped.append({"shot": entry["shot"], "reason": f"revised since the plan ({error.message})"})
            continue
        revised.append({"shot": entry["shot"], "from_revision": entry["revision"], "to_revision": new.revision})
        revisions.append(new)
    return revised, skipped, revisions


def _plan(plan_id: str) -> RerenderPlan:
    plan: RerenderPlan = found(RerenderPlan, plan_id)
    return plan


