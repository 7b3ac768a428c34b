from __future__ import annotations

from django.urls import path

from lineage import apis

urlpatterns = [
    path("events/", apis.EventListApi.as_view(), name="events"),
    path("events/verify/", apis.EventVerifyApi.as_view(), name="events-verify"),
]
