"""Rights records and episode availability endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination
from config.vocabularies.languages import LANGUAGES
from config.vocabularies.media import MEDIA
from config.vocabularies.territories import COUNTRIES
from rights import selectors, services
from rights.models import RightsRecord, RightsStatus
from rights.terms import RESTRICTIONS


def rights_body(record: RightsRecord) -> dict[str, Any]:
    """Shape a rights record for the API."""
    return {
        "id": str(record.id), "studio": str(record.studio_id), "asset": str(record.asset_id),
        "asset_version": record.asset_version, "licensor": record.licensor, "licensee": record.licensee,
        "territories": {"worldwide": record.worldwide, "include": record.territories_include,
                        "exclude": record.territories_exclude},
        "media": record.media, "languages": record.languages, "window_start": record.window_start.isoformat(),
        "window_end": record.window_end.isoformat() if record.window_end else None,
        "exclusive": record.exclusive, "restrictions": record.restrictions, "contract_ref": record.contract_ref,
        "note": record.note, "status": record.status, "status_reason": record.status_reason,
        "version": record.version, "created_at": record.created_at.isoformat(), "created_by": record.created_by,
        "updated_at": record.updated_at.isoformat(),
    }


class RightsTerritoriesSerializer(serializers.Serializer):
    worldwide = serializers.BooleanField(default=False)
    include = serializers.ListField(child=serializers.CharField(max_length=2), default=list)
    exclude = serializers.ListField(child=serializers.CharField(max_length=2), default=list)


class RightsTermsSerializer(serializers.Serializer):
    licensor = serializers.CharField(max_length=200)
    licensee = serializers.CharField(max_length=200)
    territories = RightsTerritoriesSerializer()
    media = serializers.ListField(child=serializers.CharField(max_length=30), min_length=1)
    languages = serializers.ListField(child=serializers.CharField(max_length=2), default=list)
    window_start = serializers.DateField()
    window_end = serializers.DateField(required=False, allow_null=True, default=None)
    exclusive = serializers.BooleanField(default=False)
    restrictions = serializers.ListField(child=serializers.CharField(max_length=50), default=list)
    contract_ref = serializers.CharField(max_length=200, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


class RightsListApi(APIView):
    """List the rights records of my studios (filter by studio, asset, status), or grant one."""

    class RightsFilterSerializer(serializers.Serializer):
        studio = serializers.UUIDField(required=False)
        asset = serializers.UUIDField(required=False)
        status = serializers.ChoiceField(choices=RightsStatus.values, required=False)

    class RightsGrantSerializer(RightsTermsSerializer):
        asset = serializers.UUIDField()
        asset_version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)

    @extend_schema(parameters=[RightsFilterSerializer], responses=OpenApiTypes.OBJECT, operation_id="rights_list")
    def get(self, request: Request) -> Response:
        params = self.RightsFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        records = selectors.rights_list(user=request.user, studio_id=f.get("studio"), asset_id=f.get("asset"),
                                        status=f.get("status"))
        paginator = Pagination()
        page = paginator.paginate_queryset(records, request, view=self) or []
        return paginator.get_paginated_response([rights_body(r) for r in page])

    @extend_schema(request=RightsGrantSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = self.RightsGrantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        terms = dict(data.validated_data)
        record = services.rights_grant(actor=request.user, asset_id=terms.pop("asset"), **terms)
        return Response(rights_body(record), status=201)


class RightsDetailApi(APIView):
    """Show one rights record with its history."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, rights_id: str) -> Response:
        record = selectors.rights_get(user=request.user, rights_id=rights_id)
        return Response({**rights_body(record), "history": selectors.rights_history(record=record)})


class RightsAmendApi(APIView):
    """Change some terms of a rights record (`expected_version` guards against lost updates)."""

    class RightsAmendSerializer(RightsTermsSerializer):
        expected_version = serializers.IntegerField(min_value=0)
        reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")

    @extend_schema(request=RightsAmendSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, rights_id: str) -> Response:
        data = self.RightsAmendSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "expected_version" not in changes:
            raise serializers.ValidationError({"expected_version": ["This field is required."]})
        record = services.rights_amend(actor=request.user, rights_id=rights_id,
                                       expected_version=changes.pop("expected_version"),
                                       reason=changes.pop("reason", ""), changes=changes)
        return Response(rights_body(record))


class RightsStatusChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    expected_version = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class _StatusChangeApi(APIView):
    service: Any = None  # a staticmethod wrapping the rights service to call

    @extend_schema(request=RightsStatusChangeSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, rights_id: str) -> Response:
        data = RightsStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = self.service(actor=request.user, rights_id=rights_id, **data.validated_data)
        return Response(rights_body(record))


class RightsTerminateApi(_StatusChangeApi):
    """End a rights record for good."""

    service = staticmethod(services.rights_terminate)


class RightsSuspendApi(_StatusChangeApi):
    """Suspend a rights record until it is reinstated."""

    service = staticmethod(services.rights_suspend)


class RightsReinstateApi(_StatusChangeApi):
    """Reinstate a suspended rights record."""

    service = staticmethod(services.rights_reinstate)


class RightsVocabularyApi(APIView):
    """List the codes rights terms accept: media, restrictions, territories and languages."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response({"media": MEDIA, "restrictions": RESTRICTIONS, "territories": COUNTRIES,
                         "languages": LANGUAGES})


class EpisodeAvailabilityApi(APIView):
    """Say whether an episode may ship in a territory, medium and date (default: each of its targets)."""

    class AvailabilityFilterSerializer(serializers.Serializer):
        territory = serializers.CharField(required=False, max_length=2)
        media = serializers.CharField(required=False, max_length=30)
        date = serializers.DateField(required=False)
        language = serializers.CharField(required=False, max_length=2)

        def validate_territory(self, value: str) -> str:
            return _known(value.upper(), COUNTRIES, "territory")

        def validate_media(self, value: str) -> str:
            return _known(value.lower(), MEDIA, "medium")

        def validate_language(self, value: str) -> str:
            return _known(value.lower(), LANGUAGES, "language")

    @extend_schema(parameters=[AvailabilityFilterSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, episode_id: str) -> Response:
        params = self.AvailabilityFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        return Response(selectors.episode_availability(
            user=request.user, episode_id=episode_id, territory=f.get("territory"), media=f.get("media"),
            on=f.get("date"), language=f.get("language"),
        ))


def _known(value: str, codes: dict[str, str], what: str) -> str:
    if value not in codes:
        raise serializers.ValidationError(f"Unknown {what} code {value!r}.")
    return value
