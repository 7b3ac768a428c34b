"""The audit trail endpoint."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studios.audit import MAX_LIMIT, audit_page


class AuditApi(APIView):
    """List who did what, when and from which request, in the studios where I may view the audit trail."""

    class AuditFilterSerializer(serializers.Serializer):
        studio = serializers.UUIDField(required=False)
        actor = serializers.CharField(required=False, max_length=150)
        since = serializers.DateTimeField(required=False)
        after = serializers.IntegerField(required=False, default=0, min_value=0)
        limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=MAX_LIMIT)

    @extend_schema(parameters=[AuditFilterSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        params = self.AuditFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        return Response(audit_page(user=request.user, studio_id=f.get("studio"), actor=f.get("actor"),
                                   since=f.get("since"), after=f["after"], limit=f["limit"]))
