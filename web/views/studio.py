"""Studio-wide pages: approvals inbox, jobs, audit log, rights, availability and the lineage graph."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

import eventlog
from assets import selectors as asset_selectors
from assets.models import Asset, AssetVersion
from config.errors import InvalidInput
from config.vocabularies.media import MEDIA
from episodes import selectors as episode_selectors
from episodes.models import CastPin
from generation import services as generation_services
from lineage.graph import graph_neighbourhood
from rights import selectors as rights_selectors
from rights import services as rights_services
from studios.access import authorize
from studios.audit import audit_page
from web import selectors
from web.forms import field_errors
from web.pages import page, workspace
from web.urls_of import node_page


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Everything in review in the studio, to approve or reject in place."""
    ws = workspace(request)
    current = selectors.approvals_inbox(user=request.user, studio_id=str(ws.studio.id), page=request.GET.get("page", 1))
    thumbs = selectors.first_references([(v.asset_id, v.number) for v in current])
    return page(request, "web/approvals.html",
                {"items": [_inbox_item(v, thumbs.get(f"{v.asset_id}:{v.number}")) for v in current], "page": current,
                 "query": ""}, ws)


def _inbox_item(version: AssetVersion, thumb: str | None) -> dict[str, Any]:
    """One inbox row, its paths and label joined once here: the template repeats them in each row's form."""
    return {"v": version, "thumb": thumb, "path": f"/assets/{version.asset_id}/versions/{version.number}",
            "label": f"{version.asset.name} v{version.number}",
            "submitted": version.status_changed_at.isoformat()}


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    """Running and finished jobs with progress, errors and cancel."""
    ws = workspace(request)
    return page(request, "web/jobs.html",
                {"jobs": selectors.jobs_of_studio(user=request.user, studio_id=str(ws.studio.id))}, ws)


@require_POST
@login_required
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    """Cancel a queued or running job (422 once it has finished)."""
    job = generation_services.job_cancel(actor=request.user, job_id=job_id)
    messages.success(request, f"Job {job.kind} {str(job.id)[:8]} is {job.status}.")
    return redirect(request.POST.get("next") or "web:jobs")


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """The event log of the studio, filtered by stream, type, actor and time (403 without audit.view)."""
    ws = workspace(request)
    filters = {key: request.GET.get(key, "").strip() for key in ("stream", "type", "actor", "since")}
    since = parse_datetime(filters["since"]) if filters["since"] else None
    after = request.GET.get("after", "")
    found = audit_page(user=request.user, studio_id=str(ws.studio.id), actor=filters["actor"] or None,
                       since=since, stream=filters["stream"] or None, type=filters["type"] or None,
                       after=int(after) if after.isdigit() else 0, limit=100)
    query = request.GET.copy()
    query["after"] = str(found["next_after"])
    return page(request, "web/audit.html", {"found": found, "filters": filters, "next_query": query.urlencode()}, ws)


@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Recompute the whole hash chain and show the badge (loaded by the audit page after it renders)."""
    ws = workspace(request)
    authorize(request.user, ws.studio.id, "audit.view")
    return render(request, "web/partials/verify.html", {"result": eventlog.verify()})


@login_required
def rights(request: HttpRequest) -> HttpResponse:
    """Rights records of the studio grouped by asset; with `?asset=`, that asset's records and a grant form."""
    asset_id = request.GET.get("asset") or request.POST.get("asset")
    if asset_id:
        return _asset_rights(request, asset_id)
    ws = workspace(request)
    records = list(rights_selectors.rights_list(user=request.user, studio_id=str(ws.studio.id)))
    names = dict(Asset.objects.filter(id__in={r.asset_id for r in records}).values_list("id", "name"))
    grouped: dict[Any, list[Any]] = {}
    for record in records:
        grouped.setdefault(record.asset_id, []).append(record)
    episodes = selectors.episodes_of_studio(user=request.user, studio_id=str(ws.studio.id))
    return page(request, "web/rights.html", {
        "groups": sorted(((names.get(k, str(k)), k, v) for k, v in grouped.items()), key=lambda g: g[0]),
        "series": episodes}, ws)


def _asset_rights(request: HttpRequest, asset_id: str) -> HttpResponse:
    """One asset's rights records, and the grant form (rights managers and admins) with its refusals."""
    asset = asset_selectors.asset_get(user=request.user, asset_id=asset_id)
    ws = workspace(request, asset.studio_id)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        version = post.get("asset_version", "")
        try:
            rights_services.rights_grant(
                actor=request.user, asset_id=asset.id, asset_version=int(version) if version.isdigit() else None,
                licensor=post.get("licensor", ""), licensee=post.get("licensee", ""),
                territories={"worldwide": post.get("worldwide") == "on", "include": _codes(post.get("include")),
                             "exclude": _codes(post.get("exclude"))},
                media=post.getlist("media"), window_start=post.get("window_start", ""),
                window_end=post.get("window_end") or None, exclusive=post.get("exclusive") == "on",
                contract_ref=post.get("contract_ref", ""))
        except InvalidInput as error:
            errors, status = field_errors(error.extra.get("fields", {})), error.status
            messages.error(request, error.message)
        else:
            messages.success(request, f"Rights granted on {asset.name}.")
            return redirect(f"{request.path}?asset={asset.id}")
    records = list(rights_selectors.rights_list(user=request.user, asset_id=asset.id))
    return page(request, "web/asset_rights.html", {
        "asset": asset, "records": records, "errors": errors, "media": MEDIA, "form": request.POST,
        "versions": range(1, asset.latest_version + 1)}, ws, status=status)


def _codes(value: str | None) -> list[str]:
    return [code.strip() for code in (value or "").replace(",", " ").split() if code.strip()]


@login_required
def availability(request: HttpRequest, episode_id: str) -> HttpResponse:
    """An episode's availability matrix: each pinned asset × each target (territory, media, date)."""
    episode = episode_selectors.episode_get(user=request.user, episode_id=episode_id)
    ws = workspace(request, episode.studio_id)
    found = rights_selectors.episode_availability(user=request.user, episode_id=episode.id)
    pinned = sorted(set(CastPin.objects.filter(episode_id=episode.id, current=True)
                        .values_list("asset_id", "version")))
    names = dict(Asset.objects.filter(id__in={a for a, _ in pinned}).values_list("id", "name"))
    conflicts = {(c["asset"], c["version"], c["territory"], c["media"], c["date"]): c for c in found["conflicts"]}
    restricted = {c["asset"] for c in found["conflicts"]}
    unrestricted = set(found["unrestricted_assets"])
    rows = [{"name": names.get(asset, str(asset)), "asset": str(asset), "version": version,
             "own": str(asset) in unrestricted and str(asset) not in restricted,
             "cells": [conflicts.get((str(asset), version, u["territory"], u["media"], u["date"]))
                       for u in found["checked"]]}
            for asset, version in pinned]
    # Components reached through a pinned version carry their own conflicts (with `via`).
    listed = {(r["asset"], r["version"]) for r in rows}
    extra = sorted({(c["asset"], c["version"]) for c in found["conflicts"]} - listed)
    return page(request, "web/availability.html", {
        "episode": episode, "found": found, "rows": rows, "components": extra}, ws)


@login_required
def lineage(request: HttpRequest) -> HttpResponse:
    """The lineage graph around a node (asset, shot, cut…), drawn in the page, each node a link."""
    node = request.GET.get("node", "")
    depth = request.GET.get("depth", "2")
    graph = graph_neighbourhood(user=request.user, node=node, depth=int(depth) if depth.isdigit() else 2)
    ws = workspace(request)
    for item in graph["nodes"]:
        item["page"] = node_page(item["type"], item["id"])
    return page(request, "web/lineage.html", {"graph": graph, "node": node, "depth": depth}, ws)
