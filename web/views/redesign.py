"""The redesign flow: an asset's impact → a re-render plan → approval → execution → before and after."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assets import selectors as asset_selectors
from episodes.models import ShotRevision
from generation import selectors as generation_selectors
from generation import services as generation_services
from generation.models import Job
from lineage.impact import impact_analyze
from web import selectors
from web.pages import page, workspace


@login_required
def impact(request: HttpRequest, asset_id: str) -> HttpResponse:
    """Show every shot still pinning an older version than the target (default: the approved one)."""
    asset = asset_selectors.asset_get(user=request.user, asset_id=asset_id)
    ws = workspace(request, asset.studio_id)
    version = request.GET.get("version", "")
    found = impact_analyze(user=request.user, asset_id=asset.id, version=int(version) if version.isdigit() else None)
    titles = ShotRevision.objects.in_bulk([f"{s['shot']}:{s['revision']}" for s in found["shots"]])
    episodes = {e["episode"]: e for e in found["episodes"]}
    for shot in found["shots"]:
        shot["title"] = titles[f"{shot['shot']}:{shot['revision']}"].title
        shot["episode_about"] = episodes.get(shot["episode"])
    return page(request, "web/impact.html", {"asset": asset, "impact": found,
                                             "plans": selectors.plans_of_asset(asset=asset)}, ws)


@require_POST
@login_required
def plan_create(request: HttpRequest, asset_id: str) -> HttpResponse:
    """Create a re-render plan from the impact analysis."""
    version = request.POST.get("to_version", "")
    plan = generation_services.plan_create(actor=request.user, asset_id=asset_id,
                                           to_version=int(version) if version.isdigit() else None)
    messages.success(request, f"Plan created: {len(plan.shots)} shot(s) to re-render, {len(plan.blockers)} blocked.")
    return redirect("web:plan", plan_id=plan.id)


@login_required
def plan_detail(request: HttpRequest, plan_id: str) -> HttpResponse:
    """Show a plan: shots from → to, blockers with their reason, approve, execute, progress, before/after."""
    plan = generation_selectors.plan_get(user=request.user, plan_id=plan_id)
    ws = workspace(request, plan.studio_id)
    asset = asset_selectors.asset_get(user=request.user, asset_id=plan.asset_id)
    titles = ShotRevision.objects.in_bulk([f"{s['shot']}:{s['revision']}" for s in [*plan.shots, *plan.blockers]])
    rows = [{**s, "title": titles[f"{s['shot']}:{s['revision']}"].title} for s in plan.shots]
    blockers = [{**s, "title": titles[f"{s['shot']}:{s['revision']}"].title} for s in plan.blockers]
    job = Job.objects.filter(pk=plan.job_id).first() if plan.job_id else None
    return page(request, "web/plan.html", {
        "plan": plan, "asset": asset, "rows": rows, "blockers": blockers, "job": job,
        "finished": job is not None and selectors.job_is_finished(job),
        "before_after": selectors.plan_before_after(plan=plan) if job else []}, ws)


@require_POST
@login_required
def plan_step(request: HttpRequest, plan_id: str, step: str) -> HttpResponse:
    """Approve (supervisors) or execute (makers) a plan."""
    if step == "approve":
        generation_services.plan_approve(actor=request.user, plan_id=plan_id)
        messages.success(request, "Plan approved.")
    elif step == "execute":
        generation_services.plan_execute(actor=request.user, plan_id=plan_id)
        messages.success(request, "Plan executed: its shots are revised and their renders queued.")
    return redirect("web:plan", plan_id=plan_id)
