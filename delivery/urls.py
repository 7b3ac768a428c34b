from __future__ import annotations

from django.urls import path

from delivery import apis

urlpatterns = [
    path("cuts/<uuid:cut_id>/exports/", apis.CutExportApi.as_view(), name="cut-exports"),
    path("exports/<uuid:export_id>/", apis.ExportDetailApi.as_view(), name="export"),
]
