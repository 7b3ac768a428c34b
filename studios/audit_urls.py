from __future__ import annotations

from django.urls import path

from studios.audit_apis import AuditApi

urlpatterns = [
    path("audit/", AuditApi.as_view(), name="audit"),
]
