from __future__ import annotations

from django.urls import path

from episodes import apis

urlpatterns = [
    path("series/", apis.SeriesListApi.as_view(), name="series-list"),
    path("series/<uuid:series_id>/", apis.SeriesDetailApi.as_view(), name="series"),
    path("episodes/", apis.EpisodeListApi.as_view(), name="episodes"),
    path("episodes/<uuid:episode_id>/", apis.EpisodeDetailApi.as_view(), name="episode"),
    path("episodes/<uuid:episode_id>/shots/", apis.ShotListApi.as_view(), name="episode-shots"),
    path("episodes/<uuid:episode_id>/lock/", apis.EpisodeLockApi.as_view(), name="episode-lock"),
    path("episodes/<uuid:episode_id>/cuts/", apis.EpisodeCutListApi.as_view(), name="episode-cuts"),
    path("shots/<uuid:shot_id>/", apis.ShotDetailApi.as_view(), name="shot"),
    path("shots/<uuid:shot_id>/revisions/", apis.ShotRevisionListApi.as_view(), name="shot-revisions"),
    path("shots/<uuid:shot_id>/revisions/<int:revision>/", apis.ShotRevisionDetailApi.as_view(),
         name="shot-revision"),
    path("cuts/<uuid:cut_id>/", apis.CutDetailApi.as_view(), name="cut"),
]
