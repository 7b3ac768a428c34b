"""Generation endpoints: models, render and reproduce jobs, renders and re-render plans."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from generation import selectors, services
from generation.extensions import render_body_extras
from generation.models import Backend, Job, Render, RenderModel, RerenderPlan
from generation.provenance import provenance_check
from generation.rendering import read_blob

OBJECT = OpenApiTypes.OBJECT


def model_body(model: RenderModel) -> dict[str, Any]:
    return {"id": str(model.id), "studio": str(model.studio_id), "name": model.name, "version": model.version,
            "backend": model.backend, "path": model.path, "fingerprint": model.fingerprint,
            "created_at": model.created_at.isoformat(), "created_by": model.created_by}


class ModelListApi(APIView):
    """List registered model versions, or register one (201 new; 200 when the fingerprint is known)."""

    class ModelRegisterSerializer(serializers.Serializer):
        studio = serializers.UUIDField()
        name = serializers.CharField(max_length=200)
        backend = serializers.ChoiceField(choices=Backend.values)
        path = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    @extend_schema(responses=OBJECT, operation_id="models_list")
    def get(self, request: Request) -> Response:
        models = selectors.model_list(user=request.user, studio_id=request.query_params.get("studio"))
        return Response({"results": [model_body(m) for m in models]})

    @extend_schema(request=ModelRegisterSerializer, responses={200: OBJECT, 201: OBJECT})
    def post(self, request: Request) -> Response:
        data = self.ModelRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        model, created = services.model_register_or_get(
            actor=request.user, studio_id=str(values["studio"]), name=values["name"], backend=values["backend"],
            path=values.get("path") or None,
        )
        return Response(model_body(model), status=201 if created else 200)


class ModelDetailApi(APIView):
    """Show one registered model version."""

    @extend_schema(responses=OBJECT)
    def get(self, request: Request, model_id: str) -> Response:
        return Response(model_body(selectors.model_get(user=request.user, model_id=str(model_id))))


def job_body(job: Job) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(job.id), "studio": str(job.studio_id), "kind": job.kind, "status": job.status, "done": job.done,
        "total": job.total, "errors": job.errors, "renders": job.renders, "episode": job.episode_id or None,
        "cut": job.cut_id or None, "plan": job.plan_id or None, "skipped": job.skipped,
        "requested_by": job.requested_by, "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None, "result": job.result,
    }
    if job.result:
        body.update({key: job.result[key] for key in ("identical", "different", "details") if key in job.result})
    step = selectors.job_step_progress(job=job)
    body["step"] = {"index": step.index, "step": step.step, "steps": step.steps, "frame": step.frame,
                    "frames": step.frames} if step else None
    return body


def render_body(render: Render) -> dict[str, Any]:
    return {"id": str(render.id), "studio": str(render.studio_id), "shot": render.shot_id,
            "shot_revision": render.shot_revision, "manifest_hash": render.manifest_hash, "manifest": render.manifest,
            "image_sha256": render.image_sha256, "image_url": f"/api/blobs/{render.image_sha256}/",
            "media": media_body(render), "job": render.job_id, "created_at": render.created_at.isoformat(),
            **render_body_extras(render)}


def media_body(render: Render) -> dict[str, Any]:
    """Return what a render is: an image, or a clip (its MP4 and poster blobs, frames and fps)."""
    if not render.media:
        request = render.manifest.get("request", {})
        return {"kind": "image", "frames": 1, "width": request.get("width"), "height": request.get("height"),
                "image_sha256": render.image_sha256}
    media = render.media
    return {"kind": "video", "frames": media["frames"], "fps": media["fps"], "video_sha256": media["video_sha256"],
            "poster_sha256": media["poster_sha256"], "video_url": f"/api/blobs/{media['video_sha256']}/"}


class EpisodeRenderApi(APIView):
    """Queue a render of an episode's current shot revisions (422 when a pin is not approved)."""

    @extend_schema(request=None, responses={202: OBJECT})
    def post(self, request: Request, episode_id: str) -> Response:
        job = services.episode_render(actor=request.user, episode_id=str(episode_id))
        return Response({"job": str(job.id), "status": job.status, "total": job.total}, status=202)


class EpisodeReproduceApi(APIView):
    """Queue a reproduction of an episode's latest renders (or of a cut's, with `{"cut": id}`)."""

    class ReproduceSerializer(serializers.Serializer):
        cut = serializers.UUIDField(required=False)

    @extend_schema(request=ReproduceSerializer, responses={202: OBJECT})
    def post(self, request: Request, episode_id: str) -> Response:
        data = self.ReproduceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cut = data.validated_data.get("cut")
        if cut is not None:
            selectors.cut_of_episode(user=request.user, cut_id=str(cut), episode_id=str(episode_id))
        job = services.episode_reproduce(actor=request.user, episode_id=str(episode_id),
                                         cut_id=str(cut) if cut else None)
        return Response({"job": str(job.id), "status": job.status, "total": job.total}, status=202)


class JobDetailApi(APIView):
    """Show a job: status, coarse progress (done of total), errors, renders and a reproduction's result
    (or a job of an app above generation, such as an export, through the lookups it registered)."""

    @extend_schema(responses=OBJECT)
    def get(self, request: Request, job_id: str) -> Response:
        try:
            return Response(job_body(selectors.job_get(user=request.user, job_id=str(job_id))))
        except NotFound:
            for lookup in selectors.other_job_lookups:
                body = lookup(request.user, str(job_id))
                if body is not None:
                    return Response(body)
            raise


class JobCancelApi(APIView):
    """Cancel a queued or running job (422 once it has finished)."""

    @extend_schema(request=None, responses=OBJECT)
    def post(self, request: Request, job_id: str) -> Response:
        return Response(job_body(services.job_cancel(actor=request.user, job_id=str(job_id))))


class RenderDetailApi(APIView):
    """Show a render: its manifest, manifest hash and image."""

    @extend_schema(responses=OBJECT)
    def get(self, request: Request, render_id: str) -> Response:
        return Response(render_body(selectors.render_get(user=request.user, render_id=str(render_id))))


class RenderProvenanceApi(APIView):
    """Check a render's stored PNG: its C2PA Content Credentials and its manifest against the log."""

    @extend_schema(responses=OBJECT)
    def get(self, request: Request, render_id: str) -> Response:
        render = selectors.render_get(user=request.user, render_id=str(render_id))
        report = provenance_check(read_blob(render.image_sha256))
        return Response({"render": str(render.id), "ok": report["ok"], "c2pa": report["c2pa"], "log": report["log"],
                         "checks": report["checks"]})


def plan_body(plan: RerenderPlan) -> dict[str, Any]:
    return {"id": str(plan.id), "studio": str(plan.studio_id), "asset": plan.asset_id, "to_version": plan.to_version,
            "episodes": plan.episodes, "status": plan.status, "shots": plan.shots, "blockers": plan.blockers,
            "renders": plan.renders, "job": plan.job_id or None, "revised": plan.revised, "skipped": plan.skipped,
            "created_by": plan.created_by, "created_at": plan.created_at.isoformat(),
            "approved_by": plan.approved_by or None}


class PlanListApi(APIView):
    """Compute a re-render plan for an asset's newer version (default: its approved version)."""

    class PlanCreateSerializer(serializers.Serializer):
        asset = serializers.UUIDField()
        to_version = serializers.IntegerField(required=False, min_value=1)
        episodes = serializers.ListField(child=serializers.UUIDField(), required=False)

    @extend_schema(request=PlanCreateSerializer, responses={201: OBJECT})
    def post(self, request: Request) -> Response:
        data = self.PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        plan = services.plan_create(actor=request.user, asset_id=str(values["asset"]),
                                    to_version=values.get("to_version"),
                                    episodes=[str(e) for e in values.get("episodes", [])])
        return Response(plan_body(plan), status=201)


class PlanDetailApi(APIView):
    """Show a re-render plan."""

    @extend_schema(responses=OBJECT)
    def get(self, request: Request, plan_id: str) -> Response:
        return Response(plan_body(selectors.plan_get(user=request.user, plan_id=str(plan_id))))


class PlanApproveApi(APIView):
    """Approve a proposed plan (supervisors and admins)."""

    @extend_schema(request=None, responses=OBJECT)
    def post(self, request: Request, plan_id: str) -> Response:
        return Response(plan_body(services.plan_approve(actor=request.user, plan_id=str(plan_id))))


class PlanExecuteApi(APIView):
    """Execute an approved plan: revise its shots and queue their renders (a repeat returns the same job)."""

    @extend_schema(request=None, responses={202: OBJECT})
    def post(self, request: Request, plan_id: str) -> Response:
        plan = services.plan_execute(actor=request.user, plan_id=str(plan_id))
        return Response({"job": plan.job_id, **plan_body(plan)}, status=202)
