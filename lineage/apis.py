"""Event log, lineage graph, impact and dependency endpoints."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lineage.graph import MAX_DEPTH, graph_neighbourhood, graph_svg
from lineage.impact import dependencies_list, impact_analyze
from lineage.selectors import events_page, verify_report


class EventOut(serializers.Serializer):
    """One event as the API shows it (for the schema)."""

    position = serializers.IntegerField()
    stream = serializers.CharField()
    stream_version = serializers.IntegerField()
    type = serializers.CharField()
    schema_version = serializers.IntegerField()
    data = serializers.JSONField()  # type: ignore[assignment]  # a declared field: the metaclass lifts it off
    metadata = serializers.JSONField()
    recorded_at = serializers.DateTimeField()
    hash = serializers.CharField()


class EventPageOut(serializers.Serializer):
    """A page of the log and the position to continue after."""

    results = EventOut(many=True)
    next_after = serializers.IntegerField()


class VerifyOut(serializers.Serializer):
    """The outcome of recomputing the hash chain."""

    ok = serializers.BooleanField()
    events = serializers.IntegerField()
    head = serializers.CharField()
    first_bad_position = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False)
    scope = serializers.ChoiceField(choices=["log", "studios"], help_text=(
        "log: count and head of the whole log (superusers); studios: of the caller's studios' events."))


class EventListApi(APIView):
    """List events after a position (the log's tail), only those of the caller's studios."""

    class EventQuerySerializer(serializers.Serializer):
        after = serializers.IntegerField(required=False, default=0, min_value=0)
        stream = serializers.CharField(required=False, allow_blank=False)
        limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=1000)

    @extend_schema(parameters=[EventQuerySerializer], responses=EventPageOut)
    def get(self, request: Request) -> Response:
        params = self.EventQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = events_page(user=request.user, after=params.validated_data["after"],
                           stream=params.validated_data.get("stream"), limit=params.validated_data["limit"])
        return Response(page)


class EventVerifyApi(APIView):
    """Recompute the whole hash chain and report whether it holds, with the count and head the caller may see."""

    @extend_schema(responses=VerifyOut)
    def get(self, request: Request) -> Response:
        return Response(verify_report(user=request.user))


class SvgRenderer(BaseRenderer):
    """Pass an SVG document through as image/svg+xml (selected by `?format=svg` or the Accept header)."""

    media_type = "image/svg+xml"
    format = "svg"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class GraphApi(APIView):
    """The lineage graph around a node (`<type>:<id>`) to a depth, as JSON or as an SVG with linked nodes."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, SvgRenderer]

    class GraphQuery(serializers.Serializer):
        node = serializers.CharField(max_length=120, help_text="<type>:<id>, e.g. asset_version:<asset id>:2")
        depth = serializers.IntegerField(required=False, default=2, min_value=0, max_value=MAX_DEPTH)

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[GraphQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = self.GraphQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        graph = graph_neighbourhood(user=request.user, **params.validated_data)
        if request.accepted_renderer.format == "svg":
            return Response(graph_svg(graph), content_type="image/svg+xml")
        return Response(graph)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Errors stay JSON bodies even when an SVG was asked for.
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class ImpactApi(APIView):
    """Shots (and their episodes) whose current revision pins an older version of an asset than the target."""

    class ImpactQuery(serializers.Serializer):
        asset = serializers.UUIDField()
        version = serializers.IntegerField(required=False, min_value=1,
                                           help_text="Target version (default: the asset's approved version).")

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[ImpactQuery])
    def get(self, request: Request) -> Response:
        params = self.ImpactQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return Response(impact_analyze(user=request.user, asset_id=data["asset"], version=data.get("version")))


class DependenciesApi(APIView):
    """Everything a shot's current revision or a cut depends on: asset versions (transitively) and models."""

    class DependenciesQuery(serializers.Serializer):
        node = serializers.CharField(max_length=120, help_text="shot:<id>, shot_revision:<id>:<n> or cut:<id>")

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[DependenciesQuery])
    def get(self, request: Request) -> Response:
        params = self.DependenciesQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(dependencies_list(user=request.user, node=params.validated_data["node"]))
