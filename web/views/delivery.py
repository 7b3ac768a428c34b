"""Exports of a locked cut from the storyboard: ask for one (the API's service and refusals) and watch it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from delivery import selectors as delivery_selectors
from delivery import services as delivery_services
from episodes.models import Cut
from web import selectors


@require_POST
@login_required
def cut_export(request: HttpRequest, cut_id: str) -> HttpResponse:
    """Export a locked cut in the format of the button pressed; the same cut and format again shows the existing one."""
    export, queued = delivery_services.export_request(actor=request.user, cut_id=str(cut_id),
                                                      format=request.POST.get("format", ""))
    cut = Cut.objects.get(pk=export.cut_id)
    if queued:
        messages.success(request, f"Export of cut {cut.number} as {export.format} queued.")
    else:
        messages.info(request, f"Cut {cut.number} was already exported as {export.format}: it is listed below.")
    return redirect("web:episode", episode_id=cut.episode_id)


@login_required
def export_progress(request: HttpRequest, export_id: str) -> HttpResponse:
    """An export's progress; htmx polls it until the export succeeds (then it links the file) or fails."""
    export = delivery_selectors.export_get(user=request.user, export_id=str(export_id))
    state = selectors.export_state(export, delivery_selectors.export_progress(export=export))
    return render(request, "web/partials/export_progress.html", {"e": state})
