"""The library: every asset of the studio as a card or a row, filtered in the URL, with bulk review steps."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assets import services
from assets.models import Asset, VersionStatus
from assets.schemas import KINDS
from config.errors import DomainError
from web import selectors
from web.pages import page, workspace
from web.refusals import refusal_message

BULK_STEPS = {"submit": services.asset_version_submit, "approve": services.asset_version_approve}


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """Show one page of the studio's assets with the filters of the URL (kind, status, q, view)."""
    ws = workspace(request)
    filters = {"kind": request.GET.get("kind", ""), "status": request.GET.get("status", ""),
               "q": request.GET.get("q", "").strip()}
    current, thumbs = selectors.library_page(user=request.user, studio_id=str(ws.studio.id), page=request.GET.get(
        "page", 1), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return page(request, "web/library.html", {
        "assets": [(a, thumbs.get(f"{a.id}:{a.latest_version}")) for a in current], "page": current,
        "filters": filters, "kinds": KINDS, "statuses": VersionStatus.values,
        "view": "table" if request.GET.get("view") == "table" else "cards", "query": query.urlencode()}, ws)


@require_POST
@login_required
def library_bulk(request: HttpRequest) -> HttpResponse:
    """Submit or approve the latest version of every selected asset; report each refusal by name."""
    step = request.POST.get("step", "")
    service = BULK_STEPS.get(step)
    if service is None:
        messages.error(request, "Choose submit or approve.")
        return redirect(_back(request))
    ids = request.POST.getlist("asset")
    latest = Asset.objects.filter(id__in=_uuids(ids)).values_list("id", "name", "latest_version")
    done, refused = 0, []
    for asset_id, name, number in latest:
        try:
            service(actor=request.user, asset_id=str(asset_id), number=number)
            done += 1
        except DomainError as error:
            refused.append(f"{name}: {refusal_message(error)}")
    if done:
        messages.success(request, f"{step.capitalize()}: {done} of {len(ids)} done.")
    for line in refused[:20]:
        messages.error(request, line)
    return redirect(_back(request))


def _uuids(values: list[str]) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return out


def _back(request: HttpRequest) -> str:
    query = request.POST.get("return_query", "")
    return f"/library/?{query}" if query else "/library/"
