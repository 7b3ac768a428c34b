"""Auth, studio and member endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from studios import selectors, services, tokens
from studios.models import Membership, Role, Studio


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (throttled per client address)."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": serializers.CharField(),
                                                   "password": serializers.CharField()}),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        credentials = self.get_serializer(data=request.data)
        try:
            credentials.is_valid(raise_exception=True)
        except ValidationError as exc:
            if exc.get_codes() == {"non_field_errors": ["authorization"]}:  # both given, but they do not match
                raise AuthenticationFailed("Unable to log in with the username and password given.") from None
            raise
        return Response({"token": tokens.token_issue(user=credentials.validated_data["user"]).key})


def studio_body(studio: Studio) -> dict[str, Any]:
    return {"id": str(studio.id), "name": studio.name, "created_at": studio.created_at.isoformat()}


def member_body(membership: Membership) -> dict[str, Any]:
    return {"user": membership.user_id, "username": membership.user.username, "role": membership.role,
            "joined_at": membership.joined_at.isoformat()}


class StudioOut(serializers.Serializer):
    """A studio as the API shows it (for the schema)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class MemberOut(serializers.Serializer):
    """A membership as the API shows it (for the schema)."""

    user = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    joined_at = serializers.DateTimeField()


class StudioListApi(APIView):
    """List my studios, or create one (the caller becomes its admin)."""

    class StudioCreateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)

    @extend_schema(responses=inline_serializer("StudioList", {"results": StudioOut(many=True)}))
    def get(self, request: Request) -> Response:
        return Response({"results": [studio_body(s) for s in selectors.studio_list(user=request.user)]})

    @extend_schema(request=StudioCreateSerializer, responses={201: StudioOut})
    def post(self, request: Request) -> Response:
        data = self.StudioCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        studio = services.studio_create(actor=request.user, **data.validated_data)
        return Response(studio_body(studio), status=201)


class StudioDetailApi(APIView):
    """Show one of my studios."""

    @extend_schema(responses=StudioOut)
    def get(self, request: Request, studio_id: str) -> Response:
        return Response(studio_body(selectors.studio_get(user=request.user, studio_id=studio_id)))


class MemberListApi(APIView):
    """List a studio's members, or add one (creating the user if new)."""

    class MemberAddSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(required=False, write_only=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=Role.values)

    @extend_schema(responses=inline_serializer("MemberList", {"results": MemberOut(many=True)}))
    def get(self, request: Request, studio_id: str) -> Response:
        members = selectors.member_list(user=request.user, studio_id=studio_id)
        return Response({"results": [member_body(m) for m in members]})

    @extend_schema(request=MemberAddSerializer, responses={201: MemberOut})
    def post(self, request: Request, studio_id: str) -> Response:
        data = self.MemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.member_add(actor=request.user, studio_id=studio_id, **data.validated_data)
        return Response(member_body(membership), status=201)


class MemberDetailApi(APIView):
    """Change a member's role, or remove them (admins; the last admin stays: 422)."""

    class MemberRoleSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.values)

    @extend_schema(request=MemberRoleSerializer, responses=MemberOut)
    def patch(self, request: Request, studio_id: str, username: str) -> Response:
        data = self.MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = selectors.member_get(user=request.user, studio_id=studio_id, username=username)
        membership = services.member_role_change(actor=request.user, studio_id=studio_id, user_id=member.user_id,
                                                 role=data.validated_data["role"])
        return Response(member_body(membership))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, studio_id: str, username: str) -> Response:
        member = selectors.member_get(user=request.user, studio_id=studio_id, username=username)
        services.member_remove(actor=request.user, studio_id=studio_id, user_id=member.user_id)
        return Response(status=204)


class TokenRevokeApi(APIView):
    """Revoke the token this request carries: it stops working at once."""

    authentication_classes = [tokens.ExpiringTokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        tokens.token_revoke(token=request.auth)
        return Response(status=204)
