from __future__ import annotations

from django.urls import path

from assets import apis

urlpatterns = [
    path("assets/", apis.AssetListApi.as_view(), name="assets"),
    path("assets/<str:asset_id>/", apis.AssetDetailApi.as_view(), name="asset"),
    path("assets/<str:asset_id>/versions/", apis.VersionListApi.as_view(), name="asset-versions"),
    path("assets/<str:asset_id>/versions/<int:number>/", apis.VersionDetailApi.as_view(), name="asset-version"),
    path("assets/<str:asset_id>/diff/", apis.DiffApi.as_view(), name="asset-diff"),
    *[
        path(f"assets/<str:asset_id>/versions/<int:number>/{step}/", apis.ReviewApi.as_view(step=step),
             name=f"asset-version-{step}")
        for step in ("submit", "approve", "reject", "retire")
    ],
    path("blobs/", apis.BlobListApi.as_view(), name="blobs"),
    path("blobs/<str:sha256>/", apis.BlobDetailApi.as_view(), name="blob"),
    path("blobs/<str:sha256>/thumbnail/", apis.BlobThumbnailApi.as_view(), name="blob-thumbnail"),
]
