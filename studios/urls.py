from __future__ import annotations

from django.urls import path

from studios import apis

urlpatterns = [
    path("auth/token/", apis.TokenApi.as_view(), name="auth-token"),
    path("auth/token/revoke/", apis.TokenRevokeApi.as_view(), name="auth-token-revoke"),
    path("studios/", apis.StudioListApi.as_view(), name="studios"),
    path("studios/<uuid:studio_id>/", apis.StudioDetailApi.as_view(), name="studio"),
    path("studios/<uuid:studio_id>/members/", apis.MemberListApi.as_view(), name="studio-members"),
    path("studios/<uuid:studio_id>/members/<str:username>/", apis.MemberDetailApi.as_view(), name="studio-member"),
]
