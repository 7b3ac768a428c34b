"""The asset page: versions, references, compare two versions, a new version, review steps, where used."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assets import selectors as asset_selectors
from assets import services
from assets.diff import version_diff
from assets.models import AssetVersion
from assets.schemas import KINDS
from config.errors import InvalidInput, NotFound
from web import selectors
from web.forms import attribute_inputs, attributes_from, field_errors, pins_from
from web.pages import is_htmx, page, workspace

REVIEW_STEPS = {"submit": services.asset_version_submit, "approve": services.asset_version_approve,
                "reject": services.asset_version_reject, "retire": services.asset_version_retire}


@login_required
def asset_detail(request: HttpRequest, asset_id: str) -> HttpResponse:
    """Show an asset: its version timeline, references, compare, review buttons and where it is used."""
    data = selectors.asset_page(user=request.user, asset_id=asset_id)
    ws = workspace(request, data["asset"].studio_id)
    a, b = _pair(request, list(data["by_number"]))
    return page(request, "web/asset.html", {**data, **_compare(data["by_number"], a, b),
                                            "plans": selectors.plans_of_asset(asset=data["asset"])}, ws)


@login_required
def asset_compare(request: HttpRequest, asset_id: str) -> HttpResponse:
    """The compare panel for two versions (an htmx swap; a page of its own without htmx)."""
    asset = asset_selectors.asset_get(user=request.user, asset_id=asset_id)
    by_number = {v.number: v for v in AssetVersion.objects.filter(asset_id=asset.id)}
    a, b = _pair(request, list(by_number))
    context = {"asset": asset, **_compare(by_number, a, b)}
    if is_htmx(request):
        return render(request, "web/partials/compare.html", context)
    return redirect(f"{reverse('web:asset', args=[asset.id])}?a={a}&b={b}#compare")


def _pair(request: HttpRequest, numbers: list[int]) -> tuple[int, int]:
    """Return the two versions to compare: from the URL, else the previous and the latest."""
    def pick(key: str, default: int) -> int:
        value = request.GET.get(key, "")
        return int(value) if value.isdigit() and int(value) in numbers else default

    latest = max(numbers)
    return pick("a", latest - 1 if latest > 1 else latest), pick("b", latest)


def _compare(by_number: dict[int, AssetVersion], a: int, b: int) -> dict[str, Any]:
    """Return two versions of an asset whose access was checked, and the domain's diff between them."""
    old, new = by_number[a], by_number[b]
    diff = version_diff(old, new)
    # The images to compare: the references that differ between the two, else each version's first.
    a_image = next(iter(diff["references"]["removed"] or old.references), None)
    b_image = next(iter(diff["references"]["added"] or new.references), None)
    return {"a": old, "b": new, "diff": diff, "a_image": a_image, "b_image": b_image,
            "names": selectors.component_names([old, new])}


@login_required
def version_new(request: HttpRequest, asset_id: str) -> HttpResponse:
    """The new version form (from the kind's attribute schema) and its submission (409 when stale)."""
    data = selectors.asset_page(user=request.user, asset_id=asset_id)
    asset, latest = data["asset"], data["latest"]
    ws = workspace(request, asset.studio_id)
    errors: dict[str, str] = {}
    status = 200
    attributes = latest.attributes
    if request.method == "POST":
        attributes = attributes_from(asset.kind, request.POST)
        try:
            references = [r for r in request.POST.getlist("reference") if r]
            references += _uploads(request, str(asset.studio_id))
            version = services.asset_version_create(
                actor=request.user, asset_id=str(asset.id), expected_version=_int(request.POST.get("expected_version")),
                attributes=attributes, references=references, components=pins_from(request.POST.getlist("component")),
                note=request.POST.get("note", ""))
        except InvalidInput as error:
            errors, status = field_errors(error.extra.get("fields", {})), error.status
            messages.error(request, error.message)
        else:
            messages.success(request, f"{asset.name} v{version.number} created as a draft.")
            return redirect("web:asset", asset_id=asset.id)
    return page(request, "web/version_new.html", {
        **data, "inputs": attribute_inputs(asset.kind, attributes), "errors": errors,
        "choices": selectors.component_choices(studio_id=str(asset.studio_id), exclude=asset.id)}, ws, status=status)


def _uploads(request: HttpRequest, studio_id: str) -> list[str]:
    """Store each uploaded reference (blob_store checks and refuses bad files) and return their hashes."""
    return [services.blob_store(actor=request.user, studio_id=studio_id, data=f, filename=f.name or "").sha256
            for f in request.FILES.getlist("upload")]


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("expected_version is missing: reload the page.",
                           fields={"expected_version": ["Required."]}) from None


@require_POST
@login_required
def version_review(request: HttpRequest, asset_id: str, number: int, step: str) -> HttpResponse:
    """Submit, approve, reject or retire a version with a comment; htmx swaps the inbox row or the status."""
    service = REVIEW_STEPS.get(step)
    if service is None:
        raise NotFound("Not found.")
    version = service(actor=request.user, asset_id=str(asset_id), number=number,
                      comment=request.POST.get("comment", ""))
    label = {"submit": "submitted for review", "approve": "approved", "reject": "rejected", "retire": "retired"}[step]
    text = f"{version.asset.name} v{version.number} {label}."
    if is_htmx(request):
        return render(request, "web/partials/reviewed.html", {"version": version, "text": text})
    messages.success(request, text)
    return redirect(request.POST.get("next") or reverse("web:asset", args=[asset_id]))


@login_required
def asset_new(request: HttpRequest) -> HttpResponse:
    """Create an asset: kind and name first, then the kind's attributes on its first version."""
    ws = workspace(request)
    kind = request.POST.get("kind") or request.GET.get("kind") or "character"
    kind = kind if kind in KINDS else "character"
    errors: dict[str, str] = {}
    status = 200
    attributes: dict[str, Any] = {}
    if request.method == "POST":
        attributes = attributes_from(kind, request.POST)
        try:
            asset = services.asset_create(
                actor=request.user, studio_id=str(ws.studio.id), kind=kind, name=request.POST.get("name", ""),
                attributes=attributes, references=_uploads(request, str(ws.studio.id)),
                components=pins_from(request.POST.getlist("component")), note=request.POST.get("note", ""))
        except InvalidInput as error:
            errors, status = field_errors(error.extra.get("fields", {})), error.status
            messages.error(request, error.message)
        else:
            messages.success(request, f"{asset.name} created (v1, a draft).")
            return redirect("web:asset", asset_id=asset.id)
    return page(request, "web/asset_new.html", {
        "kind": kind, "kinds": KINDS, "inputs": attribute_inputs(kind, attributes), "errors": errors,
        "name": request.POST.get("name", ""),
        "choices": selectors.component_choices(studio_id=str(ws.studio.id), exclude=None)}, ws, status=status)
