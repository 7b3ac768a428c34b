from __future__ import annotations

from django.urls import path

from lineage import apis

urlpatterns = [
    path("events/", apis.EventListApi.as_view(), name="events"),
    path("events/verify/", apis.EventVerifyApi.as_view(), name="events-verify"),
    path("lineage/graph/", apis.GraphApi.as_view(), name="lineage-graph"),
    path("lineage/impact/", apis.ImpactApi.as_view(), name="lineage-impact"),
    path("lineage/dependencies/", apis.DependenciesApi.as_view(), name="lineage-dependencies"),
]
