from __future__ import annotations

from django.urls import path

from consistency import apis

urlpatterns = [
    path("episodes/<uuid:episode_id>/consistency/", apis.EpisodeConsistencyApi.as_view(), name="episode-consistency"),
    path("series/<uuid:series_id>/consistency/", apis.SeriesConsistencyApi.as_view(), name="series-consistency"),
    path("studios/<uuid:studio_id>/consistency/", apis.StudioSettingsApi.as_view(), name="studio-consistency"),
    path("search/similar/", apis.SimilarApi.as_view(), name="search-similar"),
    path("search/", apis.LibrarySearchApi.as_view(), name="search"),
]
