"""Consistency and search endpoints: episode and series reports, look-alike and library search."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assets.blobstore import blob_key, storage_open
from assets.models import BlobGrant
from config.errors import InvalidInput, NotFound
from consistency import search, selectors
from consistency.search_index import index_stored
from consistency.services import consistency_settings_set, studio_settings
from studios.access import authorize


class EpisodeConsistencyApi(APIView):
    """Per character over the episode's current shots: shots, mean, min, worst shot and verdict counts."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, episode_id: str) -> Response:
        return Response(selectors.episode_report(user=request.user, episode_id=str(episode_id)))


class SeriesConsistencyApi(APIView):
    """The series-wide report per character, with each character's mean per episode (drift)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, series_id: str) -> Response:
        return Response(selectors.series_report(user=request.user, series_id=str(series_id)))


class SimilarSerializer(serializers.Serializer):
    studio = serializers.UUIDField()
    blob = serializers.RegexField(r"^[0-9a-f]{64}$", required=False)
    file = serializers.ImageField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)


class SimilarApi(APIView):
    """The studio's assets and renders that look most like an image (a stored blob or an upload), best first."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=SimilarSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = SimilarSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        studio = str(values["studio"])
        authorize(request.user, studio, "view")
        image = _image(values, studio)
        return Response(search.similar_to_image(studio_id=studio, image=image, limit=values["limit"]))


def _image(values: dict[str, Any], studio: str) -> bytes:
    if values.get("file") is not None:
        upload = values["file"]
        upload.seek(0)
        return bytes(upload.read())
    sha = values.get("blob")
    if not sha:
        raise InvalidInput("Give a blob or a file.", fields={"blob": ["A blob or a file is required."]})
    if not BlobGrant.objects.filter(pk=f"{studio}:{sha}").exists():
        raise NotFound("Not found.")  # another studio's blob is as unknown as a missing one
    with storage_open(blob_key(sha)) as handle:
        return bytes(handle.read())


class LibrarySearchSerializer(serializers.Serializer):
    studio = serializers.UUIDField()
    q = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)


class LibrarySearchApi(APIView):
    """The studio's library by meaning, exact name matches first."""

    @extend_schema(parameters=[LibrarySearchSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        data = LibrarySearchSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        studio = str(data.validated_data["studio"])
        authorize(request.user, studio, "view")
        return Response({"results": search.library_search(studio_id=studio, q=data.validated_data["q"],
                                                          limit=data.validated_data["limit"])})


def upload_warnings(blob: Any, studio_id: str, data: bytes) -> dict[str, Any]:
    """Warn (without refusing) when an uploaded image looks like an asset the studio already has."""
    if not index_stored(studio_id):
        return {}
    found = search.look_alikes(studio_id=studio_id, image=data)
    if not found:
        return {}
    return {"warnings": [{"code": "looks_like_existing_asset", "asset": f["asset"], "version": f["version"],
                          "score": f["score"]} for f in found]}


class SettingsSerializer(serializers.Serializer):
    embedder = serializers.CharField(max_length=1000, default="efficientnet-lite0")
    on_model = serializers.FloatField(min_value=-1.0, max_value=2.0, default=0.1)
    drifting = serializers.FloatField(min_value=-1.0, max_value=2.0, default=0.0)
    default_floor = serializers.FloatField(min_value=-1.0, max_value=1.0, default=0.45)


def settings_body(studio_id: str) -> dict[str, Any]:
    embedder, thresholds = studio_settings(studio_id)
    return {"studio": studio_id, "embedder": embedder, "on_model": thresholds.on_model,
            "drifting": thresholds.drifting, "default_floor": thresholds.default_floor}


class StudioSettingsApi(APIView):
    """A studio's embedder (`efficientnet-lite0` or `hf:<folder under MODEL_ROOTS>`) and verdict thresholds."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, studio_id: str) -> Response:
        authorize(request.user, str(studio_id), "view")
        return Response(settings_body(str(studio_id)))

    @extend_schema(request=SettingsSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request: Request, studio_id: str) -> Response:
        data = SettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consistency_settings_set(actor=request.user, studio_id=str(studio_id), **data.validated_data)
        return Response(settings_body(str(studio_id)))
