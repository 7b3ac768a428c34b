"""Cut approval endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews import selectors, services
from reviews.models import CutApproval
from reviews.services import MAX_COMMENT

STATE_PARAMETER = OpenApiParameter("state", OpenApiTypes.STR, enum=["current", "stale"], required=False)


class ApprovedShotOutput(serializers.Serializer):
    shot = serializers.CharField()
    revision = serializers.IntegerField()
    render = serializers.CharField()
    image_sha256 = serializers.CharField()


class ApprovalOutput(serializers.Serializer):
    """The shape of an approval in responses (documentation only: bodies are built by `approval_body`)."""

    id = serializers.CharField()
    cut = serializers.CharField()
    cut_number = serializers.IntegerField()
    cut_hash = serializers.CharField()
    episode = serializers.CharField()
    studio = serializers.CharField()
    state = serializers.ChoiceField(choices=["current", "stale"])
    stale_reason = serializers.CharField(allow_null=True)
    stale_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    approved_by = serializers.CharField()
    approved_at = serializers.DateTimeField()
    shots = ApprovedShotOutput(many=True)


APPROVAL_LIST = inline_serializer("CutApprovalList", {"results": ApprovalOutput(many=True)})


def approval_body(approval: CutApproval) -> dict[str, Any]:
    return {
        "id": str(approval.id), "cut": str(approval.cut_id), "cut_number": approval.cut_number,
        "cut_hash": approval.cut_hash, "episode": str(approval.episode_id), "studio": str(approval.studio_id),
        "state": approval.state, "stale_reason": approval.stale_reason or None,
        "stale_at": approval.stale_at.isoformat() if approval.stale_at else None,
        "comment": approval.comment, "approved_by": approval.approved_by,
        "approved_at": approval.approved_at.isoformat(),
        "shots": [{key: shot[key] for key in ("shot", "revision", "render", "image_sha256")}
                  for shot in approval.shots],
    }


class CutApproveApi(APIView):
    """Approve a locked cut as it is now (supervisors and admins); it goes stale when an input changes."""

    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(required=False, allow_blank=True, max_length=MAX_COMMENT)

    @extend_schema(request=InputSerializer, responses={201: ApprovalOutput})
    def post(self, request: Request, cut_id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = services.cut_approve(actor=request.user, cut_id=str(cut_id), **data.validated_data)
        return Response(approval_body(approval), status=201)


class CutApprovalListApi(APIView):
    """List a cut's approvals, newest first, each current or stale (with the reason)."""

    @extend_schema(parameters=[STATE_PARAMETER], responses=APPROVAL_LIST)
    def get(self, request: Request, cut_id: str) -> Response:
        approvals = selectors.cut_approvals(user=request.user, cut_id=cut_id, state=request.query_params.get("state"))
        return Response({"results": [approval_body(a) for a in approvals]})


class EpisodeApprovalListApi(APIView):
    """List the approvals of an episode's cuts, newest first, each current or stale (with the reason)."""

    @extend_schema(parameters=[STATE_PARAMETER], responses=APPROVAL_LIST)
    def get(self, request: Request, episode_id: str) -> Response:
        approvals = selectors.episode_approvals(user=request.user, episode_id=episode_id,
                                                state=request.query_params.get("state"))
        return Response({"results": [approval_body(a) for a in approvals]})


class ApprovalDetailApi(APIView):
    """Show one cut approval."""

    @extend_schema(responses=ApprovalOutput)
    def get(self, request: Request, approval_id: str) -> Response:
        return Response(approval_body(selectors.approval_get(user=request.user, approval_id=approval_id)))
