"""Asset, version, review and blob endpoints (thin: validate input, call one service or selector)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assets import selectors, services
from assets.aggregate import AssetState
from assets.blobstore import blob_key, storage_exists, storage_open, storage_put, thumbnail_key
from assets.extensions import blob_body_extras
from assets.images import image_thumbnail
from assets.models import Asset, AssetVersion, Blob, VersionStatus
from assets.schemas import KINDS
from config.api import Pagination
from config.errors import NotFound


def asset_body(asset: Asset) -> dict[str, Any]:
    return {"id": str(asset.id), "studio": str(asset.studio_id), "kind": asset.kind, "name": asset.name,
            "latest_version": asset.latest_version, "approved_version": asset.approved_version,
            "latest_status": asset.latest_status, "created_at": asset.created_at.isoformat(),
            "updated_at": asset.updated_at.isoformat()}


def version_body(version: Any) -> dict[str, Any]:
    """Shape a version (read model row or folded state) for the API."""
    return {"number": version.number, "status": version.status, "attributes": version.attributes,
            "references": version.references, "components": version.components,
            "derived_from": version.derived_from, "note": version.note,
            "created_at": version.created_at.isoformat(), "created_by": version.created_by,
            "status_changed_at": version.status_changed_at.isoformat()}


def state_body(state: AssetState) -> dict[str, Any]:
    """Shape an asset folded up to a point in the log (time travel)."""
    return {"id": state.id, "studio": state.studio_id, "kind": state.kind, "name": state.name,
            "latest_version": state.latest_version, "approved_version": state.approved_version,
            "latest_status": state.versions[state.latest_version].status if state.versions else None,
            "created_at": state.created_at.isoformat(), "updated_at": state.updated_at.isoformat(),
            "as_of_position": state.position,
            "versions": [version_body(v) for _, v in sorted(state.versions.items())]}


def blob_body(blob: Blob) -> dict[str, Any]:
    return {"sha256": blob.sha256, "content_type": blob.content_type, "width": blob.width, "height": blob.height,
            "size": blob.size}


class PinSerializer(serializers.Serializer):
    asset = serializers.CharField()
    version = serializers.IntegerField(min_value=1)


class AssetListApi(APIView):
    """List the assets of my studios (filtered, paginated), or create one with its first version."""

    class AssetFilterSerializer(serializers.Serializer):
        studio = serializers.UUIDField(required=False)
        kind = serializers.ChoiceField(choices=KINDS, required=False)
        status = serializers.ChoiceField(choices=VersionStatus.values, required=False,
                                         help_text="Status of the latest version.")
        q = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class AssetCreateSerializer(serializers.Serializer):
        studio = serializers.UUIDField()
        kind = serializers.ChoiceField(choices=KINDS)
        name = serializers.CharField(max_length=200)
        attributes = serializers.JSONField(default=dict)
        references = serializers.ListField(child=serializers.CharField(), default=list)
        components = serializers.ListField(child=PinSerializer(), default=list)
        derived_from = PinSerializer(required=False, allow_null=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[AssetFilterSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        params = self.AssetFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = {k: (str(v) if k == "studio" else v) for k, v in params.validated_data.items()}
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.asset_list(user=request.user, **filters), request, view=self) or []
        return paginator.get_paginated_response([asset_body(a) for a in page])

    @extend_schema(request=AssetCreateSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = self.AssetCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        asset = services.asset_create(actor=request.user, studio_id=str(values.pop("studio")), **values)
        return Response(asset_body(asset), status=201)


class AssetDetailApi(APIView):
    """Show an asset; with `as_of` (event position or ISO time) as it was then, versions included."""

    @extend_schema(parameters=[OpenApiParameter("as_of", str, description="Event position or ISO-8601 time.")],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: str) -> Response:
        as_of = request.query_params.get("as_of")
        if as_of is not None:
            return Response(state_body(selectors.asset_as_of(user=request.user, asset_id=asset_id, as_of=as_of)))
        return Response(asset_body(selectors.asset_get(user=request.user, asset_id=asset_id)))


class VersionListApi(APIView):
    """List an asset's versions, or add one based on `expected_version` (409 when stale)."""

    class VersionCreateSerializer(serializers.Serializer):
        expected_version = serializers.IntegerField(min_value=1)
        attributes = serializers.JSONField(required=False, help_text=(
            "The new version's attributes, all of them. Give this or attributes_patch."))
        attributes_patch = serializers.JSONField(required=False, help_text=(
            "An RFC 7386 JSON merge patch applied to the latest version's attributes: keys it names are set, "
            "a null removes its key, nested objects merge, anything else (lists too) replaces. "
            'E.g. {"palette": ["#b22222", "#ffd700"], "pronouns": null}. Give this or attributes.'))
        references = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)
        components = serializers.ListField(child=PinSerializer(), required=False, allow_null=True)
        derived_from = PinSerializer(required=False, allow_null=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: str) -> Response:
        versions = selectors.asset_version_list(user=request.user, asset_id=asset_id)
        return Response({"results": [version_body(v) for v in versions]})

    @extend_schema(request=VersionCreateSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, asset_id: str) -> Response:
        data = self.VersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.asset_version_create(actor=request.user, asset_id=str(asset_id), **data.validated_data)
        return Response(version_body(version), status=201)


class VersionDetailApi(APIView):
    """Show one version, with its review trail."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: str, number: int) -> Response:
        version = selectors.asset_version_get(user=request.user, asset_id=asset_id, number=number)
        history = selectors.asset_version_history(user=request.user, asset_id=asset_id, number=number)
        return Response({**version_body(version), "history": history})


class DiffApi(APIView):
    """Compare two versions of an asset."""

    class DiffFilterSerializer(serializers.Serializer):
        from_ = serializers.IntegerField(min_value=1)
        to = serializers.IntegerField(min_value=1)

        def get_fields(self) -> dict[str, Any]:
            fields = super().get_fields()
            fields["from"] = fields.pop("from_")  # `from` is a Python keyword
            return fields

    @extend_schema(parameters=[OpenApiParameter("from", int, required=True),
                               OpenApiParameter("to", int, required=True)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: str) -> Response:
        params = self.DiffFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.asset_diff(user=request.user, asset_id=asset_id,
                                             from_version=params.validated_data["from"],
                                             to_version=params.validated_data["to"]))


class ReviewApi(APIView):
    """Move a version through review: submit, approve, reject or retire (422 when the status forbids it)."""

    step = ""
    SERVICES = {
        "submit": services.asset_version_submit,
        "approve": services.asset_version_approve,
        "reject": services.asset_version_reject,
        "retire": services.asset_version_retire,
    }

    class ReviewSerializer(serializers.Serializer):
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    @extend_schema(request=ReviewSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, asset_id: str, number: int) -> Response:
        data = self.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version: AssetVersion = self.SERVICES[self.step](actor=request.user, asset_id=str(asset_id), number=number,
                                                         comment=data.validated_data["comment"])
        return Response(version_body(version))


class BlobListApi(APIView):
    """Upload an image (PNG, JPEG or WebP): 201 when new to the studio, 200 when it already holds these bytes."""

    parser_classes = [MultiPartParser, FormParser]

    class BlobUploadSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=False)
        studio = serializers.UUIDField(required=False)

    BlobBody = inline_serializer("BlobResponse", {
        "sha256": serializers.CharField(), "content_type": serializers.CharField(),
        "width": serializers.IntegerField(), "height": serializers.IntegerField(),
        "size": serializers.IntegerField()})

    @extend_schema(request={"multipart/form-data": BlobUploadSerializer}, responses={201: BlobBody, 200: BlobBody})
    def post(self, request: Request) -> Response:
        data = self.BlobUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        studio = data.validated_data.get("studio") or selectors.blob_default_studio(user=request.user)
        upload = data.validated_data["file"]
        blob = services.blob_store(actor=request.user, studio_id=str(studio), data=upload, filename=upload.name)
        upload.seek(0)
        extras = blob_body_extras(blob, str(studio), upload.read())
        return Response({**blob_body(blob), **extras}, status=201 if blob.created else 200)


class BlobDetailApi(APIView):
    """Return a blob's bytes, unchanged."""

    @extend_schema(responses={(200, media): OpenApiTypes.BINARY for media in ("image/png", "image/jpeg", "image/webp")})
    def get(self, request: Request, sha256: str) -> FileResponse:
        blob = selectors.blob_get(user=request.user, sha256=sha256)
        # inline: a browser still shows the image; the name is what "save as" and curl -OJ use.
        name = selectors.blob_download_name(user=request.user, blob=blob)
        return _immutable(FileResponse(storage_open(blob_key(blob.sha256)), content_type=blob.content_type,
                                       filename=name), blob)


class BlobThumbnailApi(APIView):
    """Return a blob's 256 px WebP thumbnail (derived once, then stored next to it)."""

    @extend_schema(responses={(200, "image/webp"): OpenApiTypes.BINARY})
    def get(self, request: Request, sha256: str) -> FileResponse:
        blob = selectors.blob_get(user=request.user, sha256=sha256)
        if not blob.content_type.startswith("image/"):  # a clip's MP4: its render's poster is the image
            raise NotFound("This blob is not an image, so it has no thumbnail.")
        key = thumbnail_key(blob.sha256)
        if not storage_exists(key):
            with storage_open(blob_key(blob.sha256)) as original:
                storage_put(key, image_thumbnail(original.read()))
        return _immutable(FileResponse(storage_open(key), content_type="image/webp"), blob)


def _immutable(response: FileResponse, blob: Blob) -> FileResponse:
    # Content-addressed: the bytes behind this URL never change.
    response["ETag"] = f'"{blob.sha256}"'
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
