from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import HealthApi

api: list[URLPattern | URLResolver] = [
    path("health/", HealthApi.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("studios.urls")),
    path("", include("lineage.urls")),
    path("", include("assets.urls")),
    path("", include("episodes.urls")),
    path("", include("generation.urls")),
    path("", include("rights.urls")),
    path("", include("reviews.urls")),
    path("", include("delivery.urls")),
    path("", include("consistency.urls")),
    path("", include("studios.audit_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api)),
    path("", include("web.urls")),
]
