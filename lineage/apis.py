"""Event log endpoints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lineage import eventlog
from lineage.selectors import events_page


class EventListApi(APIView):
    """List events after a position (the log's tail), only those of the caller's studios."""

    class InputSerializer(serializers.Serializer):
        after = serializers.IntegerField(required=False, default=0, min_value=0)
        stream = serializers.CharField(required=False, allow_blank=False)
        limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)

    @extend_schema(parameters=[InputSerializer])
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = events_page(user=request.user, after=params.validated_data["after"],
                           stream=params.validated_data.get("stream"), limit=params.validated_data["limit"])
        return Response(page)


class EventVerifyApi(APIView):
    """Recompute the whole hash chain and report whether it holds."""

    def get(self, request: Request) -> Response:
        return Response(eventlog.verify().as_dict())
