"""Delivery endpoints: export a locked cut, and show an export."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.types import Actor
from delivery import selectors, services
from delivery.models import Export, ExportFormat

OBJECT = OpenApiTypes.OBJECT


def export_body(export: Export) -> dict[str, Any]:
    progress = selectors.export_progress(export=export)
    # Queued until a worker reports progress; the log records only the request and the outcome.
    status = "running" if progress is not None and export.status == "queued" else export.status
    done, total = (progress.done, progress.total) if progress else (0, 0)
    if export.status == "succeeded":
        done = total = sum(s["frames"] for s in export.shots) if export.format == "mp4" else len(export.shots)
    return {"id": str(export.id), "job": str(export.id), "cut": str(export.cut_id), "studio": str(export.studio_id),
            "format": export.format, "status": status, "done": done, "total": total, "blob": export.blob or None,
            "size": export.size, "content_type": export.content_type or None, "details": export.details,
            "error": export.error or None, "options": export.options, "shots": export.shots,
            "requested_by": export.requested_by, "created_at": export.created_at.isoformat(),
            "finished_at": export.finished_at.isoformat() if export.finished_at else None}


def export_job_body(user: Actor, job_id: str) -> dict[str, Any] | None:
    """Return an export as a job (the shape of GET /api/jobs/{id}), or None when no export has this id."""
    if not Export.objects.filter(pk=job_id).exists():
        return None
    body = export_body(selectors.export_get(user=user, export_id=job_id))
    return {"id": body["id"], "kind": "export", "status": body["status"], "done": body["done"],
            "total": body["total"], "errors": [body["error"]] if body["error"] else [], "renders": [],
            "export": body["id"], "cut": body["cut"], "studio": body["studio"], "result": {"blob": body["blob"]},
            "created_at": body["created_at"], "finished_at": body["finished_at"]}


class CutExportApi(APIView):
    """Export a locked cut (202); the same cut in the same format again returns the existing export."""

    class ExportSerializer(serializers.Serializer):
        format = serializers.ChoiceField(choices=ExportFormat.values)
        burn_in = serializers.BooleanField(required=False, default=True, help_text="mp4: shot code and revision")

    @extend_schema(request=ExportSerializer, responses={202: OBJECT})
    def post(self, request: Request, cut_id: str) -> Response:
        data = self.ExportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        export, _created = services.export_request(actor=request.user, cut_id=str(cut_id), format=values["format"],
                                                   burn_in=values["burn_in"])
        return Response({"job": str(export.id), "export": export_body(export)}, status=202)


class ExportDetailApi(APIView):
    """Show an export: its status, progress and, once made, its blob."""

    @extend_schema(responses=OBJECT)
    def get(self, request: Request, export_id: str) -> Response:
        return Response(export_body(selectors.export_get(user=request.user, export_id=str(export_id))))
