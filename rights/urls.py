from __future__ import annotations

from django.urls import path

from rights import apis

urlpatterns = [
    path("rights/", apis.RightsListApi.as_view(), name="rights"),
    path("rights/vocabulary/", apis.RightsVocabularyApi.as_view(), name="rights-vocabulary"),
    path("rights/<uuid:rights_id>/", apis.RightsDetailApi.as_view(), name="rights-detail"),
    path("rights/<uuid:rights_id>/amend/", apis.RightsAmendApi.as_view(), name="rights-amend"),
    path("rights/<uuid:rights_id>/suspend/", apis.RightsSuspendApi.as_view(), name="rights-suspend"),
    path("rights/<uuid:rights_id>/reinstate/", apis.RightsReinstateApi.as_view(), name="rights-reinstate"),
    path("rights/<uuid:rights_id>/terminate/", apis.RightsTerminateApi.as_view(), name="rights-terminate"),
    path("episodes/<uuid:episode_id>/availability/", apis.EpisodeAvailabilityApi.as_view(),
         name="episode-availability"),
]
